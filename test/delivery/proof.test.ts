import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classify } from '../../src/classify/index.ts';
import { TestClock } from '../../src/engine/clock.ts';
import { Engine } from '../../src/engine/engine.ts';
import { Scheduler } from '../../src/engine/scheduler.ts';
import { seededRandom } from '../../src/policy/schedule.ts';
import type { Policy } from '../../src/policy/types.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { HealthGate, healthStoreFor } from '../../src/delivery/health/index.ts';
import { TestReceiver, parseScript } from '../../src/delivery/test-receiver/index.ts';
import { SmtpTransport } from '../../src/delivery/transport/smtp-transport.ts';
import type { DnsResolver } from '../../src/delivery/transport/mx-route.ts';
import { defaultPolicy } from '../../src/policy/index.ts';
import { policyWith } from './helpers/policy.ts';

/**
 * The proofs of issue 5, end to end: the engine on a real SQLite file, driven by a TestClock,
 * delivering over real SMTP on 127.0.0.1 to a receiver whose faults follow the same clock.
 */
const HOUR = 3_600_000;
const MIN = 60_000;

/** example.test's MX is the receiver, on whatever port it got. */
function resolverFor(host: string): DnsResolver {
  return {
    resolveMx: async () => [{ exchange: 'mx.example.test', priority: 10 }],
    resolve4: async () => [host],
    resolve6: async () => {
      throw Object.assign(new Error('no AAAA'), { code: 'ENODATA' });
    },
  };
}

async function world(t: { after: (f: () => Promise<void>) => void }, script: string, policy: Policy = defaultPolicy()) {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-proof-'));
  const store = new SqliteStore(join(dir, 'rebound.db'), { durability: 'normal' });
  const clock = new TestClock();
  const t0 = clock.now();
  const receiver = await TestReceiver.start({ script: parseScript(script), now: () => clock.now(), epoch: t0 });
  const engine = new Engine({ store, clock, policy, random: seededRandom(7) });
  const transport = new SmtpTransport({
    mode: { kind: 'direct', resolver: resolverFor(receiver.host), port: receiver.port },
    clock, classify, policy, ehloName: 'rebound.test',
    timeouts: { connectMs: 5000, greetingMs: 5000, idleMs: 5000 },
  });
  const gate = new HealthGate({ policy, store: healthStoreFor(store) });
  const scheduler = new Scheduler({ engine, transport, gate });
  t.after(async () => {
    await transport.close();
    await receiver.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  /** Moves the clock from one due time to the next, as the run loop would, until `done` or nothing is due. */
  const drive = async (done: () => Promise<boolean>, until = t0 + 10 * 24 * HOUR) => {
    for (let round = 0; round < 20_000; round++) {
      await scheduler.runOnce();
      if (await done()) return round;
      const next = await engine.nextDueAt();
      if (next === null || next > until) return round;
      clock.set(Math.max(next, clock.now()));
    }
    throw new Error('still busy after 20,000 rounds');
  };
  return { store, clock, t0, receiver, engine, gate, drive };
}

const MESSAGE = 'From: news@sender.test\r\nSubject: proof\r\nMessage-ID: <proof@sender.test>\r\n\r\nHello.\r\n';
const DOWN = '451 4.3.2 System not accepting network messages';

describe('proof: delivery that protects receiving servers (real SMTP, SQLite, TestClock)', () => {
  test('1. down for the first 5 hours: delivered on the third attempt, at +1 h and then +4 h, both deferrals logged', async (t) => {
    const w = await world(t, `timeline:\n  - until: 5h\n    rcpt: ${DOWN}\n`);
    const { deliveries: [d] } = await w.engine.submit({ from: 'news@sender.test', raw: MESSAGE }, ['jane@example.test']);
    await w.drive(async () => (await w.store.getDelivery(d!.id))!.status === 'delivered');
    const delivery = (await w.store.getDelivery(d!.id))!;
    assert.equal(delivery.status, 'delivered');
    const attempts = await w.store.listAttempts(d!.id);
    assert.deepEqual(attempts.map((a) => (a.at - w.t0) / HOUR), [0, 1, 5]);
    for (const a of attempts.slice(0, 2)) {
      assert.equal(a.basic, 451);
      assert.equal(a.enhanced, '4.3.2');
      assert.equal(a.reason, 'notaccept');
      assert.equal(a.class, 'transient');
      assert.equal(a.destination, 'mx.example.test');
      assert.equal(a.phase, 'rcpt');
      assert.equal(a.response, DOWN);
    }
    assert.equal(attempts[2]!.class, 'success');
    assert.equal(w.receiver.seen.acceptedCount, 1);
    assert.deepEqual(w.receiver.seen.messages[0]!.reboundIds, [d!.id], 'the message carries its delivery id');
  });

  test('2. always 4.3.2: the fifth attempt fails the delivery, the address is unavailable, and the events say so', async (t) => {
    const w = await world(t, `rcpt: ${DOWN}\n`);
    const { deliveries: [d] } = await w.engine.submit({ from: 'news@sender.test', raw: MESSAGE }, ['joe@example.test']);
    await w.drive(async () => (await w.store.getDelivery(d!.id))!.status === 'failed');
    const delivery = (await w.store.getDelivery(d!.id))!;
    assert.equal(delivery.status, 'failed');
    assert.equal(delivery.attempts, 5);
    const attempts = await w.store.listAttempts(d!.id);
    assert.deepEqual(attempts.map((a) => (a.at - w.t0) / HOUR), [0, 1, 5, 17, 41]);
    assert.ok(attempts.every((a) => a.enhanced === '4.3.2' && a.destination === 'mx.example.test'));
    const address = await w.engine.getAddress('joe@example.test');
    assert.equal(address!.status, 'unavailable');
    const types = (await w.store.listEvents(0, 1000)).map((e) => e.type);
    assert.equal(types.filter((x) => x === 'delivery.deferred').length, 4);
    assert.ok(types.includes('delivery.failed'));
    assert.ok(types.includes('address.unavailable'));
    // five destination-level failures in a row (the policy's suspend.after) suspend the destination
    assert.deepEqual(types.filter((x) => x.startsWith('destination.')), ['destination.suspended']);
    assert.equal(w.receiver.seen.rcpt, 5, 'the receiver saw exactly the five attempts');
  });

  test('2b. a suspension never moves a lone delivery off its schedule: even suspended at the first 4.3.2, its probes are its own retries', async (t) => {
    const w = await world(t, `rcpt: ${DOWN}\n`, policyWith({ suspend: { after: 1 } }));
    const { deliveries: [d] } = await w.engine.submit({ from: 'news@sender.test', raw: MESSAGE }, ['lone@example.test']);
    await w.drive(async () => (await w.store.getDelivery(d!.id))!.status === 'failed');
    const attempts = await w.store.listAttempts(d!.id);
    assert.deepEqual(attempts.map((a) => (a.at - w.t0) / HOUR), [0, 1, 5, 17, 41]);
    const destinationEvents = (await w.store.listEvents(0, 1000)).filter((e) => e.type.startsWith('destination.'));
    assert.equal(destinationEvents.length, 5, 'suspended at the first failure, extended by each failed probe');
    assert.deepEqual(destinationEvents.map((e) => e.data.extended), [false, true, true, true, true]);
    assert.deepEqual(destinationEvents.map((e) => ((e.data.until as number) - e.at) / MIN), [5, 10, 20, 40, 4000 / 60]);
  });

  test('3. 1,000 recipients, receiver down 6 hours: a few dozen RCPTs during the outage, then all delivered at no more than the configured rate', async (t) => {
    const RATE = 120;
    const policy = policyWith({ default: { messagesPerMinute: RATE } });
    const w = await world(t, `timeline:\n  - until: 6h\n    rcpt: ${DOWN}\n`, policy);
    const ids: string[] = [];
    for (let m = 0; m < 10; m++) {
      const recipients = Array.from({ length: 100 }, (_, i) => `user${m * 100 + i}@example.test`);
      const r = await w.engine.submit({ from: 'news@sender.test', raw: MESSAGE }, recipients);
      ids.push(...r.deliveries.map((d) => d.id));
    }
    const allFinal = async () => {
      const c = await w.store.countDeliveries();
      return c.queued + c.deferred === 0;
    };
    await w.drive(allFinal);
    const counts = await w.store.countDeliveries();
    assert.equal(counts.delivered, 1000, `delivered ${counts.delivered}, failed ${counts.failed}`);

    const outage = w.t0 + 6 * HOUR;
    const rcptDuringOutage = w.receiver.seen.rcptBetween(w.t0, outage);
    assert.ok(rcptDuringOutage <= 36, `the receiver saw ${rcptDuringOutage} RCPTs while down`);
    assert.ok(rcptDuringOutage >= 5, 'the first cohort and the probes did reach it');
    t.diagnostic(`RCPT attempts during the 6-hour outage: ${rcptDuringOutage}`);

    const times = w.receiver.seen.messages.map((m) => m.at).sort((a, b) => a - b);
    assert.equal(times.length, 1000);
    assert.ok(times[0]! >= outage, 'nothing was accepted during the outage');
    let worstMinute = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= MIN) j++;
      worstMinute = Math.max(worstMinute, i - j + 1);
    }
    const burst = policy.destinations.default.initialConcurrency;
    assert.ok(worstMinute <= RATE + burst, `at most ${RATE}/min (+ a burst of ${burst}); the busiest minute had ${worstMinute}`);
    // most deliveries were tried once, after the recovery: the bulk of them took at least as long as the rate demands
    const bulk = times.slice(0, 900);
    assert.ok(bulk.at(-1)! - bulk[0]! >= ((bulk.length - burst) / RATE) * MIN, 'the first 900 took at least (900 - burst) / rate minutes');
    t.diagnostic(`after recovery: busiest minute ${worstMinute}; the first 900 took ${((bulk.at(-1)! - bulk[0]!) / MIN).toFixed(1)} min`);

    // every attempt is one RCPT the receiver saw: holds spent none
    const all = await Promise.all(ids.map((id) => w.store.getDelivery(id)));
    const attempts = all.reduce((n, d) => n + d!.attempts, 0);
    assert.equal(attempts, 1000 + rcptDuringOutage, 'attempts recorded = deliveries + the RCPTs refused during the outage');
    assert.equal(w.receiver.seen.rcpt, attempts);
    const events = await w.store.listEvents(0, 1_000_000);
    const types = events.map((e) => e.type);
    assert.ok(types.includes('destination.suspended'));
    assert.equal(types.filter((x) => x === 'destination.resumed').length, 1);
    // a webhook consumer hears of the outage from the destination's events, not from every
    // delivery at every hold: the deliveries' own events are their deferrals and deliveries
    const perDelivery = events.filter((e) => e.type === 'delivery.retry_scheduled').length;
    assert.equal(perDelivery, rcptDuringOutage, 'one retry_scheduled per deferral, none per hold');
    t.diagnostic(`events: ${events.length} in all, ${perDelivery} delivery.retry_scheduled`);
    const dest = await w.store.getDestination('example.test');
    assert.equal(dest?.health, 'open');
  });

  test('4a. greylisting: delivered on the first retry', async (t) => {
    const w = await world(t, 'greylist: true\n');
    const { deliveries: [d] } = await w.engine.submit({ from: 'news@sender.test', raw: MESSAGE }, ['grey@example.test']);
    await w.drive(async () => (await w.store.getDelivery(d!.id))!.status !== 'queued' && (await w.store.getDelivery(d!.id))!.status !== 'deferred');
    const delivery = (await w.store.getDelivery(d!.id))!;
    assert.equal(delivery.status, 'delivered');
    assert.equal(delivery.attempts, 2);
    const [first] = await w.store.listAttempts(d!.id);
    assert.match(first!.response, /^451 4\.7\.1 Greylisted/);
  });

  test('4b. mixed RCPT answers: each recipient gets its own outcome', async (t) => {
    const w = await world(t, [
      'recipients:',
      "  unknown@example.test: '550 5.1.1 <unknown@example.test>: Recipient address rejected: User unknown'",
      '  full@example.test: 452 4.2.2 Mailbox full',
      `  busy@example.test: ${DOWN}`,
      '  relay@example.test: 554 5.7.1 Relay access denied',
    ].join('\n'));
    const r = await w.engine.submit({ from: 'news@sender.test', raw: MESSAGE }, ['ok@example.test', 'unknown@example.test', 'full@example.test', 'busy@example.test', 'relay@example.test']);
    await w.drive(async () => true);
    const got = await Promise.all(r.deliveries.map(async (d) => {
      const x = (await w.store.getDelivery(d.id))!;
      return [x.recipient, x.status, x.lastOutcome?.enhanced, x.lastOutcome?.reason];
    }));
    assert.deepEqual(got, [
      ['ok@example.test', 'delivered', '2.0.0', 'delivered'],
      ['unknown@example.test', 'failed', '5.1.1', 'userunknown'],
      ['full@example.test', 'deferred', '4.2.2', 'mailboxfull'],
      ['busy@example.test', 'deferred', '4.3.2', 'notaccept'],
      ['relay@example.test', 'failed', '5.7.1', 'norelaying'],
    ]);
    assert.equal((await w.engine.getAddress('unknown@example.test'))!.status, 'suppressed');
    assert.equal(w.receiver.seen.rcpt, 5);
  });
});
