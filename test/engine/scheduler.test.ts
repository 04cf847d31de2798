import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestClock } from '../../src/engine/clock.ts';
import { Engine } from '../../src/engine/engine.ts';
import { Scheduler } from '../../src/engine/scheduler.ts';
import { seededRandom } from '../../src/policy/schedule.ts';
import type { DestinationGate, GateDecision } from '../../src/engine/destination-gate.ts';
import { heldUntil } from '../../src/engine/decide-outcome.ts';
import type { AttemptOutcome, DeliveryJob, Transport } from '../../src/engine/transport.ts';
import { REPLIES, ScriptedTransport, tempStore, outcome, HOUR } from './helpers.ts';

const MSG = { from: 'news@sender.example', raw: 'Subject: hi\r\n\r\nhello\r\n' };

function setup(t: { after: (fn: () => Promise<void>) => void }) {
  const { store, cleanup } = tempStore();
  t.after(cleanup);
  const clock = new TestClock();
  const engine = new Engine({ store, clock, random: seededRandom(3) });
  return { store, clock, engine };
}

test('deliveries of one message to one domain go to the transport together, other domains apart', async (t) => {
  const { clock, engine } = setup(t);
  const transport = new ScriptedTransport(() => clock.now(), () => REPLIES.ok());
  const calls: string[][] = [];
  const recording: Transport = { deliver: async (jobs) => { calls.push(jobs.map((j) => j.recipient).sort()); return transport.deliver(jobs); }, close: async () => {} };
  await engine.submit(MSG, ['a@one.example', 'b@one.example', 'c@two.example']);
  await engine.submit(MSG, ['d@one.example']);
  const stats = await new Scheduler({ engine, transport: recording }).runOnce();
  assert.deepEqual(calls.sort(), [['a@one.example', 'b@one.example'], ['c@two.example'], ['d@one.example']]);
  assert.deepEqual(stats, { claimed: 4, attempted: 4, held: 0, recorded: 4 });
});

test('a job carries the message, the attempt number and a stable attempt id', async (t) => {
  const { clock, engine } = setup(t);
  const transport = new ScriptedTransport(() => clock.now(), () => REPLIES.busy());
  const { deliveries: [d] } = await engine.submit({ ...MSG, raw: Buffer.from('RAW') }, ['a@one.example']);
  const scheduler = new Scheduler({ engine, transport });
  await scheduler.runOnce();
  clock.advance(5 * HOUR);
  await scheduler.runOnce();
  assert.deepEqual(transport.jobs.map((j) => [j.attempt, j.attemptId, j.from, j.raw.toString(), j.domain]), [
    [1, `${d!.id}#1`, MSG.from, 'RAW', 'one.example'],
    [2, `${d!.id}#2`, MSG.from, 'RAW', 'one.example'],
  ]);
});

test('a held delivery waits in the queue until the gate\'s time: no attempt spent, schedule and events untouched', async (t) => {
  const { store, clock, engine } = setup(t);
  const until = clock.now() + 30 * 60_000;
  const observed: string[] = [];
  let released = 0;
  const gate: DestinationGate = {
    admit: (domain, now): GateDecision => (domain === 'sick.example' && now < until ? { admit: false, until, why: 'suspended: 421 at connect' } : { admit: true, release: () => { released++; } }),
    observe: (domain) => { observed.push(domain); },
  };
  const transport = new ScriptedTransport(() => clock.now(), () => REPLIES.ok());
  const r = await engine.submit(MSG, ['a@sick.example', 'b@well.example']);
  const due = (await store.getDelivery(r.deliveries[0]!.id))!.nextAttemptAt;
  const scheduler = new Scheduler({ engine, transport, gate });
  const stats = await scheduler.runOnce();
  assert.deepEqual([stats.held, stats.attempted], [1, 1]);
  const held = (await store.getDelivery(r.deliveries[0]!.id))!;
  assert.deepEqual([held.status, held.attempts, held.nextAttemptAt, held.lockedBy, held.lockedUntil], ['queued', 0, due, null, until]);
  assert.equal(heldUntil(held, clock.now()), until);
  assert.equal(await engine.nextDueAt(), until, 'the run loop sleeps until the hold ends');
  assert.deepEqual((await store.listEvents(0, 10)).filter((e) => e.deliveryId === held.id).map((e) => e.type), []);
  // not claimed again before its time
  clock.advance(until - clock.now() - 1);
  assert.equal((await scheduler.runOnce()).claimed, 0);
  clock.set(until);
  await scheduler.runOnce();
  assert.equal((await store.getDelivery(r.deliveries[0]!.id))!.status, 'delivered');
  assert.deepEqual(observed.sort(), ['sick.example', 'well.example']);
  assert.equal(released, 2);
});

test('a gate hold never moves a delivery earlier than its own schedule', async (t) => {
  const { store, clock, engine } = setup(t);
  const { deliveries: [d] } = await engine.submit(MSG, ['a@x.example']);
  const before = (await store.getDelivery(d!.id))!;
  await engine.hold([{ deliveryId: d!.id, until: clock.now() - 1000 }]);
  const after = (await store.getDelivery(d!.id))!;
  assert.equal(after.nextAttemptAt, before.nextAttemptAt);
  assert.ok(after.lockedUntil! > clock.now(), 'a stale hold still waits a moment rather than spinning');
});

test('a transport that throws leaves its deliveries leased; they are tried again after the lease', async (t) => {
  const { store, clock, engine } = setup(t);
  let fail = true;
  const errors: string[] = [];
  const flaky: Transport = {
    deliver: async (jobs: DeliveryJob[]): Promise<AttemptOutcome[]> => {
      if (fail) throw new Error('connection pool exploded');
      return jobs.map((j) => outcome(j, REPLIES.ok(), clock.now()));
    },
    close: async () => {},
  };
  const { deliveries: [d] } = await engine.submit(MSG, ['a@x.example']);
  const scheduler = new Scheduler({ engine, transport: flaky, leaseMs: 60_000, onError: (e) => errors.push(e.message) });
  await scheduler.runOnce();
  assert.deepEqual(errors, ['connection pool exploded']);
  assert.equal((await store.getDelivery(d!.id))!.lockedBy, scheduler.worker);
  fail = false;
  clock.advance(59_999);
  await scheduler.runOnce();
  assert.equal((await store.getDelivery(d!.id))!.status, 'queued');
  clock.advance(1);
  await scheduler.runOnce();
  const got = (await store.getDelivery(d!.id))!;
  assert.deepEqual([got.status, got.attempts], ['delivered', 1]);
});

test('outcomes for jobs the transport was not given are ignored', async (t) => {
  const { store, clock, engine } = setup(t);
  const { deliveries: [a] } = await engine.submit(MSG, ['a@x.example']);
  const { deliveries: [b] } = await engine.submit(MSG, ['b@y.example']);
  await engine.hold([{ deliveryId: b!.id, until: clock.now() + HOUR }]);
  const liar: Transport = {
    deliver: async (jobs) => [...jobs.map((j) => outcome(j, REPLIES.ok(), clock.now())), outcome({ deliveryId: b!.id, attemptId: `${b!.id}#1` }, REPLIES.ok(), clock.now())],
    close: async () => {},
  };
  await new Scheduler({ engine, transport: liar }).runOnce();
  assert.equal((await store.getDelivery(a!.id))!.status, 'delivered');
  assert.equal((await store.getDelivery(b!.id))!.status, 'queued');
});

test('with a slow transport, no more than maxInFlight deliveries are out at once', async (t) => {
  const { clock, engine } = setup(t);
  let out = 0;
  let peak = 0;
  const slow: Transport = {
    deliver: async (jobs) => {
      out += jobs.length;
      peak = Math.max(peak, out);
      await new Promise((r) => setImmediate(r));
      out -= jobs.length;
      return jobs.map((j) => outcome(j, REPLIES.ok(), clock.now()));
    },
    close: async () => {},
  };
  for (let i = 0; i < 50; i++) await engine.submit(MSG, [`r${i}@d${i % 7}.example`]);
  const stats = await new Scheduler({ engine, transport: slow, batchSize: 4, maxInFlight: 10 }).runOnce();
  assert.equal(stats.recorded, 50);
  assert.ok(peak <= 10, `peak ${peak}`);
});

test('run() sleeps until the next due time and wakes early when work is submitted', async (t) => {
  const { store, clock, engine } = setup(t);
  const transport = new ScriptedTransport(() => clock.now(), (j) => (j.attempt === 1 ? REPLIES.notAccepting() : REPLIES.ok()));
  const scheduler = new Scheduler({ engine, transport, idleMs: 10 * HOUR });
  const stop = new AbortController();
  const running = scheduler.run(stop.signal);
  const settle = async () => { for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r)); };

  const { deliveries: [d] } = await engine.submit(MSG, ['a@x.example']);
  await settle();
  assert.equal((await store.getDelivery(d!.id))!.status, 'deferred', 'woken by the submission, tried at once');
  clock.advance(HOUR - 1);
  await settle();
  assert.equal(transport.jobs.length, 1);
  clock.advance(1);
  await settle();
  assert.equal((await store.getDelivery(d!.id))!.status, 'delivered', 'woke exactly at +1h');
  stop.abort();
  await running;
});

test('stopping: once the signal aborts nothing more is claimed; the attempts under way are recorded and the rest of the queue stays queued', async (t) => {
  const { store, engine } = setup(t);
  for (let i = 0; i < 40; i++) await engine.submit(MSG, [`r${i}@d${i % 5}.example`]);
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => { release = r; });
  let started = 0;
  const stop = new AbortController();
  const slow: Transport = {
    deliver: async (jobs) => {
      started += jobs.length;
      stop.abort(); // SIGTERM arrives while the first attempts are out
      await gate;
      return jobs.map((j) => outcome(j, REPLIES.ok(), engine.clock.now()));
    },
    close: async () => {},
  };
  const running = new Scheduler({ engine, transport: slow, batchSize: 4, maxInFlight: 8 }).run(stop.signal);
  for (let i = 0; i < 20 && started === 0; i++) await new Promise((r) => setImmediate(r));
  release();
  await running;
  const counts = await store.countDeliveries();
  assert.ok(started > 0 && started <= 8, `attempts under way when the stop came: ${started}`);
  assert.equal(counts.delivered, started, 'every attempt under way is recorded');
  assert.equal(counts.queued, 40 - started, 'nothing else was sent after the stop');
});
