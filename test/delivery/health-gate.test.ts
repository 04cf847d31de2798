import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { HealthGate, TokenBucket, healthStoreFor, type DestinationHealth, type HealthEvent } from '../../src/delivery/health/index.ts';
import { tempStore } from '../engine/helpers.ts';
import { policyWith } from './helpers/policy.ts';
import type { GateDecision } from '../../src/engine/destination-gate.ts';
import { HOUR, MIN, outcome } from './helpers/outcomes.ts';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const DOWN = '451 4.3.2 System not accepting network messages';
const OK = '250 2.0.0 Ok: queued';

async function admit(gate: HealthGate, now: number, domain = 'example.test'): Promise<GateDecision> {
  return gate.admit(domain, now);
}

/** A gate under a policy whose `destinations` section is this (suspending at the first failure unless told). */
function gateWithEvents(destinations: Record<string, unknown> = {}) {
  const events: HealthEvent[] = [];
  const suspend = { after: 1, ...(destinations.suspend as object | undefined) };
  const gate = new HealthGate({ policy: policyWith({ ...destinations, suspend }), onEvent: (e) => events.push(e) });
  return { gate, events };
}

/** Admits and releases at once (a delivery that finishes instantly), returning the decision. */
async function quick(gate: HealthGate, now: number): Promise<GateDecision> {
  const d = await gate.admit('example.test', now);
  if (d.admit) d.release();
  return d;
}

describe('token bucket with reserved slots', () => {
  test('allows the burst, then hands out slots spaced by the interval, in order', () => {
    const b = new TokenBucket(() => 3, () => 1000);
    assert.deepEqual([b.take(0), b.take(0), b.take(0)], [{ ok: true }, { ok: true }, { ok: true }]);
    assert.deepEqual(b.take(0), { ok: false, at: 1000 });
    assert.deepEqual(b.take(0), { ok: false, at: 2000 });
    assert.equal(b.pending, 2);
    assert.deepEqual(b.take(1000), { ok: true }, 'the holder of the 1000 slot gets in at 1000');
    assert.deepEqual(b.take(1500), { ok: false, at: 3000 }, 'a newcomer queues behind the promised slots');
    assert.deepEqual(b.take(2000), { ok: true });
  });

  test('forgets a promised slot nobody came for', () => {
    const b = new TokenBucket(() => 1, () => 1000, 5000);
    b.take(0);
    assert.deepEqual(b.take(0), { ok: false, at: 1000 });
    assert.deepEqual(b.take(60_000), { ok: true });
    assert.equal(b.pending, 0);
  });
});

describe('the destination gate', () => {
  test('an open destination admits its initial concurrency at once, then spreads starts at its rate', async () => {
    const { gate } = gateWithEvents({ default: { initialConcurrency: 3, concurrency: 100, messagesPerMinute: 60 } });
    const decisions: GateDecision[] = [];
    for (let i = 0; i < 6; i++) decisions.push(await quick(gate, T0));
    assert.deepEqual(decisions.map((d) => d.admit), [true, true, true, false, false, false]);
    assert.deepEqual(decisions.slice(3).map((d) => (d.admit ? 0 : d.until - T0)), [1000, 2000, 3000]);
    assert.match((decisions[3] as { why: string }).why, /rate limit 60\/min/);
  });

  test('without a rate in the policy, only concurrency limits an open destination', async () => {
    const { gate } = gateWithEvents({ default: { initialConcurrency: 2, concurrency: 2 } });
    const decisions: GateDecision[] = [];
    for (let i = 0; i < 500; i++) decisions.push(await quick(gate, T0));
    assert.ok(decisions.every((d) => d.admit));
  });

  test('caps the deliveries in flight, starting at the initial concurrency and growing with successes', async () => {
    const { gate } = gateWithEvents({ default: { initialConcurrency: 2, concurrency: 3 } });
    const a = await admit(gate, T0);
    const b = await admit(gate, T0);
    const c = await admit(gate, T0);
    assert.equal(c.admit, false);
    assert.match((c as { why: string }).why, /2 deliveries in flight \(limit 2 of 3\)/);
    assert.ok(a.admit && b.admit);
    await gate.observe('example.test', outcome(T0, OK, 'message'));
    a.release();
    a.release();
    assert.equal(gate.inFlight('example.test'), 1, 'a release counts once');
    assert.equal((await admit(gate, T0)).admit, true);
    assert.equal((await admit(gate, T0)).admit, true, 'one success raised the limit to 3');
    assert.equal((await admit(gate, T0)).admit, false, 'never above the concurrency limit');
  });

  test('suspends after the configured number of destination failures in a row', async () => {
    const { gate, events } = gateWithEvents({ suspend: { after: 3 } });
    await gate.observe('example.test', outcome(T0, DOWN));
    await gate.observe('example.test', outcome(T0, DOWN));
    await gate.observe('example.test', outcome(T0, '550 5.1.1 User unknown'));
    await gate.observe('example.test', outcome(T0, DOWN));
    await gate.observe('example.test', outcome(T0, DOWN));
    assert.equal(events.length, 0, 'an answer in between shows the server up and restarts the count');
    await gate.observe('example.test', outcome(T0, DOWN));
    assert.deepEqual(events.map((e) => e.type), ['destination.suspended']);
  });

  test('a 4.3.2 suspends the destination; deliveries asking meanwhile are held until it ends', async () => {
    const { gate, events } = gateWithEvents();
    const d = await admit(gate, T0);
    assert.ok(d.admit);
    await gate.observe('example.test', outcome(T0 + 1000, DOWN));
    d.release();
    assert.equal(events.length, 1);
    assert.deepEqual({ ...events[0], reply: undefined }, {
      type: 'destination.suspended', at: T0 + 1000, domain: 'example.test', host: 'mx.example.test',
      until: T0 + 1000 + 5 * MIN, extended: false, trigger: 'enhanced/4.3.2', reply: undefined,
    });
    const held = await admit(gate, T0 + 2 * MIN);
    assert.equal(held.admit, false);
    assert.equal(!held.admit && held.until, T0 + 1000 + 5 * MIN);
    assert.match(!held.admit ? held.why : '', /suspended after enhanced\/4\.3\.2 until 2026-01-05T09:05:01Z/);
    assert.equal(gate.snapshot()[0]?.health, 'suspended');
  });

  test('after the suspension one probe goes first; its failure extends the suspension, doubled', async () => {
    const { gate, events } = gateWithEvents();
    await admit(gate, T0);
    await gate.observe('example.test', outcome(T0, '421 4.3.2 Service not available'));
    const probe = await admit(gate, T0 + 5 * MIN);
    assert.equal(probe.admit, true);
    const other = await admit(gate, T0 + 5 * MIN);
    assert.equal(other.admit, false, 'only one probe at a time');
    assert.equal(!other.admit && other.until, T0 + 6 * MIN);
    assert.match(!other.admit ? other.why : '', /waiting for the probe/);
    await gate.observe('example.test', outcome(T0 + 5 * MIN, { network: 'ECONNREFUSED' }, 'connect'));
    assert.equal(events[1]?.type, 'destination.suspended');
    assert.equal(events[1]?.type === 'destination.suspended' && events[1].extended, true);
    assert.equal(events[1]?.type === 'destination.suspended' && events[1].until, T0 + 15 * MIN);
    assert.equal(events[1]?.type === 'destination.suspended' && events[1].trigger, 'network/unreachable');
    assert.equal((await admit(gate, T0 + 14 * MIN)).admit, false);
  });

  test('a successful probe resumes the destination, then releases the held ones at a ramped rate', async () => {
    const { gate, events } = gateWithEvents({ default: { messagesPerMinute: 600, initialConcurrency: 10, concurrency: 1000 } });
    await admit(gate, T0);
    await gate.observe('example.test', outcome(T0, DOWN));
    const probe = await admit(gate, T0 + 5 * MIN);
    assert.ok(probe.admit);
    await gate.observe('example.test', outcome(T0 + 5 * MIN + 200, OK, 'message'));
    probe.release();
    const resumed = events[1];
    assert.equal(resumed?.type, 'destination.resumed');
    assert.equal(resumed?.type === 'destination.resumed' && resumed.downtimeMs, 5 * MIN + 200);
    // 1,000 held deliveries ask at once; count the starts each minute after the resume
    const start = T0 + 5 * MIN + 200;
    const untils: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const d = await quick(gate, start);
      untils.push(d.admit ? start : d.until);
    }
    assert.deepEqual([...untils].sort((a, b) => a - b), untils, 'the held deliveries keep their order');
    const perMinute = [0, 1, 2, 3, 4].map((m) => untils.filter((u) => u >= start + m * MIN && u < start + (m + 1) * MIN).length);
    assert.ok(perMinute[0]! <= 60 * 2 + 1, `first minute ramps from 10% (got ${perMinute[0]})`);
    assert.ok(perMinute.every((n) => n <= 600), `never above the configured rate (${perMinute})`);
    assert.ok(perMinute[0]! < perMinute[2]!, `the rate grows (${perMinute})`);
    assert.equal(untils.filter((u) => u === start).length, 1, 'no burst right after the resume');
  });

  test('a reply that is about the recipient or the message does not suspend', async () => {
    const { gate, events } = gateWithEvents();
    for (const reply of ['550 5.1.1 User unknown', '452 4.2.2 Mailbox full', '554 5.7.1 Blocked', OK]) {
      await gate.observe('example.test', outcome(T0, reply));
    }
    await gate.observe('example.test', outcome(T0, { network: 'ENOTFOUND', permanent: true }, 'connect', null));
    assert.deepEqual(events, []);
    const h = gate.snapshot()[0]!;
    assert.deepEqual(h.counters, { attempts: 5, delivered: 1, deferred: 1, failed: 3, held: 0, suspensions: 0, probes: 0 });
    assert.equal(h.lastReply, 'ENOTFOUND: failed');
  });

  test('a 421 at any step, a refused connection, a stalled greeting and a connection lost mid-session each suspend', async () => {
    for (const o of [
      outcome(T0, '421 4.7.0 Too many connections, closing', 'mail'),
      outcome(T0, { network: 'ECONNREFUSED' }, 'connect'),
      outcome(T0, { network: 'ETIMEDOUT' }, 'greeting'),
      // a server that takes the connection and then drops it, or stops answering, mid-session
      outcome(T0, { network: 'ECONNRESET' }, 'rcpt'),
      outcome(T0, { network: 'ETIMEDOUT' }, 'message'),
    ]) {
      const { gate, events } = gateWithEvents();
      await gate.observe('example.test', o);
      assert.equal(events[0]?.type, 'destination.suspended', o.response);
    }
  });

  test('repeated failed probes back off up to the maximum', async () => {
    const { gate, events } = gateWithEvents({ suspend: { initial: '5m', factor: 2, max: '30m' } });
    let now = T0;
    await gate.observe('example.test', outcome(now, DOWN));
    for (let i = 0; i < 5; i++) {
      const until = gate.snapshot()[0]!.suspendedUntil!;
      now = until;
      assert.equal((await admit(gate, now)).admit, true);
      await gate.observe('example.test', outcome(now, DOWN));
    }
    const lengths = events.map((e) => (e.type === 'destination.suspended' ? e.until - e.at : -1));
    assert.deepEqual(lengths.map((l) => l / MIN), [5, 10, 20, 30, 30, 30]);
  });

  test('with a single delivery, attempts on the seed schedule are never held', async () => {
    const { gate } = gateWithEvents();
    const schedule = [0, 1 * HOUR, 5 * HOUR, 17 * HOUR, 41 * HOUR];
    for (const at of schedule) {
      const d = await admit(gate, T0 + at);
      assert.equal(d.admit, true, `attempt at +${at / HOUR}h is admitted`);
      await gate.observe('example.test', outcome(T0 + at + 500, DOWN));
      d.release();
    }
  });

  test('a probe whose outcome never comes is given up, and another is let through', async () => {
    const { gate } = gateWithEvents();
    await gate.observe('example.test', outcome(T0, DOWN));
    assert.equal((await admit(gate, T0 + 5 * MIN)).admit, true);
    assert.equal((await admit(gate, T0 + 6 * MIN)).admit, false);
    assert.equal((await admit(gate, T0 + 11 * MIN)).admit, true);
  });

  test('keeps health in the store and emits events there; a stored suspension is honoured', async () => {
    const saved: Array<{ h: DestinationHealth; at: number }> = [];
    const emitted: HealthEvent[] = [];
    const stored: DestinationHealth = {
      domain: 'stored.test', host: 'mx.stored.test', health: 'suspended', suspendedUntil: T0 + HOUR, strikes: 0, level: 2, incidentSince: T0 - HOUR,
      resumedAt: null, lastTrigger: 'basic/421', lastReply: '421 busy', lastPhase: 'greeting', lastAt: T0 - MIN,
      counters: { attempts: 9, delivered: 0, deferred: 9, failed: 0, held: 0, suspensions: 3, probes: 2 },
    };
    const gate = new HealthGate({
      policy: policyWith({ suspend: { after: 1 } }),
      store: {
        load: async (d) => (d === 'stored.test' ? structuredClone(stored) : null),
        save: (h, events, at) => {
          saved.push({ h: structuredClone(h), at });
          emitted.push(...events);
        },
      },
    });
    const d = await gate.admit('Stored.TEST', T0);
    assert.equal(d.admit, false);
    assert.equal(!d.admit && d.until, T0 + HOUR);
    await gate.observe('other.test', outcome(T0, DOWN));
    assert.equal(emitted[0]?.type, 'destination.suspended');
    assert.equal(saved.at(-1)?.h.domain, 'other.test');
    assert.equal(saved.at(-1)?.h.health, 'suspended');
    assert.equal(saved.at(-1)?.at, T0);
    await gate.observe('other.test', outcome(T0 + 1, DOWN));
    assert.equal(saved.length, 1, 'an outcome that changes nothing is not written');
  });

  test('a restart forgets neither the failures in a row nor a long incident\'s backoff (real SQLite store)', async (t) => {
    const { store, cleanup } = tempStore();
    t.after(cleanup);
    const policy = policyWith({ suspend: { after: 5 } });
    const events: HealthEvent[] = [];
    const start = () => new HealthGate({ policy, store: healthStoreFor(store), onEvent: (e) => events.push(e) });
    // three 421s, a kill -9, two more: five in a row, as the receiver saw them
    let gate = start();
    for (let i = 0; i < 3; i++) await gate.observe('example.test', outcome(T0 + i, DOWN));
    gate = start();
    await gate.admit('example.test', T0 + 10);
    for (let i = 3; i < 5; i++) await gate.observe('example.test', outcome(T0 + i * 10, DOWN));
    assert.deepEqual(events.map((e) => e.type), ['destination.suspended'], 'suspended at the fifth, across the restart');
    assert.equal((await store.getDestination('example.test'))!.health, 'suspended');

    // two failed probes, a restart: the third suspension is still four times the first
    const first = events[0]!.type === 'destination.suspended' ? events[0]!.until - (T0 + 40) : 0;
    let at = T0 + 40 + first;
    for (let probe = 0; probe < 2; probe++) {
      assert.equal((await gate.admit('example.test', at)).admit, true);
      await gate.observe('example.test', outcome(at, DOWN));
      const last = events.at(-1)!;
      at = last.type === 'destination.suspended' ? last.until : at;
    }
    gate = start();
    assert.equal((await gate.admit('example.test', at)).admit, true, 'the probe after the restart');
    await gate.observe('example.test', outcome(at, DOWN));
    const third = events.at(-1)!;
    assert.equal(third.type === 'destination.suspended' && third.until - at, Math.min(8 * first, 4000_000), 'the backoff goes on from where it was');
    // a delivery the server takes ends it all: the stored counts start again
    assert.equal((await gate.admit('example.test', third.type === 'destination.suspended' ? third.until : at)).admit, true);
    await gate.observe('example.test', outcome(third.type === 'destination.suspended' ? third.until : at, OK, 'message'));
    const after = (await store.getDestination('example.test'))!;
    assert.deepEqual([after.health, after.strikes, after.level], ['open', 0, 0]);
  });

  test('two nodes on one store add to one count: the fifth 421 in a row between them suspends, once, and the other node takes that suspension', async (t) => {
    const { store, cleanup } = tempStore();
    t.after(cleanup);
    const policy = policyWith({ suspend: { after: 5 } });
    const events: HealthEvent[] = [];
    const node = () => new HealthGate({ policy, store: healthStoreFor(store), onEvent: (e) => events.push(e) });
    const [a, b] = [node(), node()];
    for (const [gate, i] of [[a, 0], [b, 1], [a, 2], [b, 3]] as const) await gate.observe('example.test', outcome(T0 + i, DOWN));
    assert.equal(events.length, 0, 'four between them: not yet');
    await a.observe('example.test', outcome(T0 + 4, DOWN));
    assert.deepEqual(events.map((e) => e.type), ['destination.suspended'], 'the fifth, on either node');
    // b has not re-read the row: its next failure finds the suspension there and takes it
    await b.observe('example.test', outcome(T0 + 5, DOWN));
    assert.equal(events.length, 1, 'no second event for the same incident');
    assert.equal((await b.admit('example.test', T0 + 6)).admit, false, 'b holds mail too');
    // a sign of life on either node starts the count again for both
    const c = node();
    await c.observe('other.test', outcome(T0, DOWN));
    await c.observe('other.test', outcome(T0 + 1, OK, 'message'));
    assert.equal((await store.getDestination('other.test'))!.strikes, 0);
  });
});
