import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TestClock } from '../../src/engine/clock.ts';
import { Engine } from '../../src/engine/engine.ts';
import { Scheduler } from '../../src/engine/scheduler.ts';
import { replayEvents } from '../../src/engine/replay.ts';
import { seededRandom } from '../../src/policy/schedule.ts';
import { loadPolicyText } from '../../src/policy/load-policy.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { DestinationGate } from '../../src/engine/destination-gate.ts';
import { REPLIES, ScriptedTransport, drive, type ReplyName, DAY } from './helpers.ts';

const replyNames = Object.keys(REPLIES) as ReplyName[];
const MINUTE = 60_000;

/** One random world: recipients (some sharing an address), each with its own sequence of replies. */
const world = fc.record({
  recipients: fc.array(fc.record({
    address: fc.integer({ min: 0, max: 3 }),
    replies: fc.array(fc.constantFrom(...replyNames), { maxLength: 7 }),
  }), { minLength: 1, maxLength: 6 }),
  holds: fc.array(fc.integer({ min: 1, max: 180 }), { maxLength: 6 }),
  maxAttempts: fc.integer({ min: 1, max: 6 }),
  seed: fc.integer(),
  warn: fc.boolean(),
});

test('over random outcome sequences: attempts stay within the limit, next-attempt times never go backwards, every delivery ends in exactly one final state, and the event log replays to the same state', async () => {
  await fc.assert(fc.asyncProperty(world, async (w) => {
    const store = new SqliteStore(':memory:');
    try {
      const clock = new TestClock();
      const policy = loadPolicyText(`retry: { maxAttempts: ${w.maxAttempts} }\ndelayWarning: ${w.warn ? '2h' : 'off'}\n`);
      const engine = new Engine({ store, clock, policy, random: seededRandom(w.seed) });
      const scripts = new Map<string, ReplyName[]>();
      const transport = new ScriptedTransport(() => clock.now(), (job) => REPLIES[scripts.get(job.deliveryId)?.[job.attempt - 1] ?? 'ok']());
      // A gate that holds some admissions for a while, as a suspended destination would.
      const holds = [...w.holds];
      const gate: DestinationGate = {
        admit: (_, now) => {
          const h = holds.shift();
          return h === undefined || h % 3 === 0 ? { admit: true, release: () => {} } : { admit: false, until: now + h * MINUTE, why: 'test hold' };
        },
        observe: () => {},
      };
      const scheduler = new Scheduler({ engine, transport, gate, batchSize: 3 });
      const ids: string[] = [];
      for (const r of w.recipients) {
        const { deliveries: [d] } = await engine.submit({ from: 's@x.example', raw: 'x' }, [`user${r.address}@dest.example`]);
        ids.push(d!.id);
        scripts.set(d!.id, r.replies);
        clock.advance(MINUTE);
      }
      const created = new Map<string, number>();
      for (const id of ids) created.set(id, (await store.getDelivery(id))!.createdAt);
      // The log must replay to the tables at every step, not only at the end.
      const replayMatches = async () => {
        const replayed = replayEvents(await store.listEvents(0, 100_000), created);
        for (const id of ids) {
          const d = (await store.getDelivery(id))!;
          assert.deepEqual(replayed.deliveries.get(id), { status: d.status, attempts: d.attempts, nextAttemptAt: d.nextAttemptAt }, `delivery ${id} at ${clock.now()}`);
        }
        for (let i = 0; i < 4; i++) {
          const email = `user${i}@dest.example`;
          const a = await store.getAddress(email);
          if (a) assert.deepEqual(replayed.addresses.get(email) ?? { status: 'active', until: null }, { status: a.status, until: a.until }, email);
        }
      };
      await replayMatches();
      await drive({ runOnce: async () => { await scheduler.runOnce(); await replayMatches(); } }, engine, clock, clock.now() + 60 * DAY);

      const events = await store.listEvents(0, 100_000);
      for (const id of ids) {
        const d = (await store.getDelivery(id))!;
        // exactly one final state, reached by exactly one final event
        assert.ok(d.status === 'delivered' || d.status === 'failed', `${id} ended ${d.status}`);
        const finals = events.filter((e) => e.deliveryId === id && (e.type === 'delivery.delivered' || e.type === 'delivery.failed'));
        assert.equal(finals.length, 1);
        // never more attempts than the limit (the seed rule allows 5; others maxAttempts), and the transport saw each once
        const attempts = await store.listAttempts(id);
        assert.equal(attempts.length, d.attempts);
        assert.ok(d.attempts <= Math.max(5, w.maxAttempts), `${d.attempts} attempts`);
        assert.equal(transport.jobs.filter((j) => j.deliveryId === id).length, d.attempts);
        // time only moves forward: scheduled times are non-decreasing and each attempt happens at or after its time
        const scheduled = events.filter((e) => e.deliveryId === id && e.type === 'delivery.retry_scheduled').map((e) => Number(e.data.nextAttemptAt));
        for (let i = 1; i < scheduled.length; i++) assert.ok(scheduled[i]! >= scheduled[i - 1]!, 'next attempt moved backwards');
        for (let i = 1; i < attempts.length; i++) assert.ok(attempts[i]!.at > attempts[i - 1]!.at);
        // a delivery whose last word was success is delivered, anything else failed
        const last = attempts.at(-1);
        if (last) assert.equal(d.status === 'delivered', last.class === 'success');
      }
      for (let i = 0; i < 4; i++) {
        const email = `user${i}@dest.example`;
        const a = await store.getAddress(email);
        if (!a) continue;
        // exhausted soft bounces never suppress: a suppressed address saw a bad-address reply
        if (a.status === 'suppressed') assert.ok(events.some((e) => e.recipient === email && e.type === 'delivery.failed' && (e.data.reason === 'userunknown')));
      }
      // an event of each kind says when it happened, in order
      for (let i = 1; i < events.length; i++) assert.ok(events[i]!.at >= events[i - 1]!.at);
    } finally {
      await store.close();
    }
  }), { numRuns: 120 });
});
