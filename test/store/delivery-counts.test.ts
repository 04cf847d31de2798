import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeliveryCounts } from '../../src/store/delivery-counts.ts';
import { Engine } from '../../src/engine/engine.ts';
import { TestClock } from '../../src/engine/clock.ts';
import { attemptId } from '../../src/engine/ids.ts';
import { REPLIES, outcome, tempStore } from '../engine/helpers.ts';

test('the queue depth is counted on every read; delivered and failed at most once per max age', async (t) => {
  const { store, cleanup } = tempStore();
  t.after(cleanup);
  const engine = new Engine({ store, clock: new TestClock() });
  let fullCounts = 0;
  const counting = { countWaiting: () => store.countWaiting(), countDeliveries: () => { fullCounts++; return store.countDeliveries(); } };
  let now = 0;
  const counts = new DeliveryCounts(counting, { perCountMs: 100, minMs: 60_000, maxMs: 60_000 }, () => now);

  const first = await engine.submit({ from: 'a@sender.example', raw: 'x' }, ['one@example.org', 'two@example.org']);
  assert.deepEqual(await counts.read(), { queued: 2, deferred: 0, delivered: 0, failed: 0 });
  const [one] = first.deliveries;
  await engine.recordOutcome(one!.id, outcome({ deliveryId: one!.id, attemptId: attemptId(one!.id, 1) }, REPLIES.ok(), 0));
  await engine.submit({ from: 'a@sender.example', raw: 'x' }, ['three@example.org']);
  now = 59_000;
  // the queue is current; the delivered count is the one taken a minute ago
  assert.deepEqual(await counts.read(), { queued: 2, deferred: 0, delivered: 0, failed: 0 });
  assert.equal(fullCounts, 1);
  now = 61_000;
  assert.deepEqual(await counts.read(), { queued: 2, deferred: 0, delivered: 1, failed: 0 });
  assert.equal(fullCounts, 2);
  assert.deepEqual(await counts.read(), await store.countDeliveries(), 'and it agrees with a full count');
});

test('a failed full count is not kept: the next read counts again', async () => {
  let fail = true;
  const counts = new DeliveryCounts({
    countWaiting: async () => ({ queued: 1, deferred: 0 }),
    countDeliveries: async () => { if (fail) throw new Error('database is locked'); return { queued: 1, deferred: 0, delivered: 3, failed: 1 }; },
  }, { perCountMs: 100, minMs: 60_000, maxMs: 60_000 }, () => 0);
  await assert.rejects(counts.read(), /database is locked/);
  fail = false;
  assert.deepEqual(await counts.read(), { queued: 1, deferred: 0, delivered: 3, failed: 1 });
});

test('a count that took longer is kept longer: a hundred times its cost, within the bounds', async () => {
  let now = 0;
  let fullCounts = 0;
  const counts = new DeliveryCounts({
    countWaiting: async () => ({ queued: 0, deferred: 0 }),
    // the full count "takes" 500 ms
    countDeliveries: async () => { fullCounts++; now += 500; return { queued: 0, deferred: 0, delivered: 1, failed: 0 }; },
  }, { perCountMs: 100, minMs: 2_000, maxMs: 60_000 }, () => now);
  await counts.read();
  now += 49_000;
  await counts.read();
  assert.equal(fullCounts, 1, 'a 500 ms count is kept for 50 s');
  now += 1_500;
  await counts.read();
  assert.equal(fullCounts, 2);
});
