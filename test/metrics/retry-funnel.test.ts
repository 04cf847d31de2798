import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, world, REPLIES, HOUR } from './helpers.ts';

for (const backend of BACKENDS) describe(`metrics on ${backend.name}`, { skip: backend.skip ?? false }, () => {
  test('a funnel of 100 deferred → 60 → 30 waiting: 40 delivered by attempt 2, 30 by attempt 3, 30 exhausted', async (t) => {
    // Recipient i: 0–39 get through at attempt 2, 40–69 at attempt 3, 70–99 never.
    const w = world((job) => {
      const i = Number(/^r(\d+)@/.exec(job.recipient)![1]);
      const needs = i < 40 ? 2 : i < 70 ? 3 : Infinity;
      return job.attempt >= needs ? REPLIES.ok() : REPLIES.notAccepting();
    }, 'UTC', backend.name);
    t.after(w.cleanup);
    await w.send(Array.from({ length: 100 }, (_, i) => `r${i}@f.example`));
    await w.runUntil(w.t0 + 100 * HOUR);
    const r = await w.metrics.retrySuccess({ from: w.t0, to: w.t0 + 100 * HOUR });
    assert.deepEqual({ ...r, byAttempt: undefined }, { deferred: 100, delivered: 70, failed: 30, pending: 0, rate: 0.7, byAttempt: undefined });
    assert.deepEqual(r.byAttempt.map((a) => [a.attempt, a.delivered, a.share, a.remaining]), [
      [1, 0, 0, 100], [2, 40, 0.4, 60], [3, 30, 0.3, 30], [4, 0, 0, 30], [5, 0, 0, 0],
    ]);
    const onlyOther = await w.metrics.retrySuccess({ from: w.t0, to: w.t0 + 100 * HOUR, domain: 'elsewhere.example' });
    assert.deepEqual(onlyOther, { deferred: 0, delivered: 0, failed: 0, pending: 0, rate: null, byAttempt: [] });
  });

  test('deliveries still waiting count as pending, not as failed', async (t) => {
    const w = world(() => REPLIES.notAccepting(), 'UTC', backend.name);
    t.after(w.cleanup);
    await w.send(['x@g.example', 'y@g.example']);
    await w.runUntil(w.t0 + 2 * HOUR);
    const r = await w.metrics.retrySuccess({ from: w.t0, to: w.t0 + 2 * HOUR });
    assert.deepEqual({ deferred: r.deferred, pending: r.pending, rate: r.rate }, { deferred: 2, pending: 2, rate: 0 });
  });
});
