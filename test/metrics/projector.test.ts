import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { tempStore } from '../engine/helpers.ts';
import { SqliteMetricsStore } from '../../src/metrics/sqlite-metrics-store.ts';
import type { EventRecord } from '../../src/store/types.ts';

const eventArb = fc.record({
  id: fc.nat(),
  at: fc.integer({ min: 0, max: 4_000_000_000_000 }),
  type: fc.constantFrom('delivery.deferred', 'delivery.failed', 'delivery.delivered', 'delivery.retry_scheduled', 'address.unavailable', 'junk'),
  deliveryId: fc.option(fc.constantFrom('d1', 'd2', 'd3'), { nil: null }),
  recipient: fc.option(fc.string({ maxLength: 40 }), { nil: null }),
  domain: fc.option(fc.constantFrom('a.example', 'b.example', ''), { nil: null }),
  data: fc.dictionary(fc.constantFrom('attempt', 'attempts', 'enhanced', 'basic', 'reason', 'type', 'destination', 'cause'),
    fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.double(), fc.constant(null), fc.array(fc.nat(), { maxLength: 3 }))),
}) as fc.Arbitrary<EventRecord>;

test('any sequence of events, well-formed or not, folds without throwing and leaves consistent incidents', async (t) => {
  const { store, cleanup } = tempStore();
  t.after(cleanup);
  const m = new SqliteMetricsStore(store.db);
  let cursor = 0;
  await fc.assert(fc.asyncProperty(fc.array(eventArb, { maxLength: 40 }), async (events) => {
    await m.apply(events, ++cursor);
    for (const i of await m.openIncidents()) assert.equal(i.closedAt, null);
    const perDomain = new Map<string, number>();
    for (const i of await m.openIncidents()) perDomain.set(i.domain, (perDomain.get(i.domain) ?? 0) + 1);
    assert.ok([...perDomain.values()].every((n) => n === 1), 'at most one open incident per domain');
    for (const d of await m.closedDurations()) assert.ok(Number.isFinite(d.ms));
  }), { numRuns: 200 });
  assert.equal(await m.cursor(), cursor);
});

test('a delivery deferred twice enters the retry cohort once, keyed by its first deferral', async (t) => {
  const { store, cleanup } = tempStore();
  t.after(cleanup);
  const m = new SqliteMetricsStore(store.db);
  const e = (id: number, at: number, type: string, data: Record<string, unknown>): EventRecord => ({ id, at, type, deliveryId: 'd1', recipient: 'x@a.example', domain: 'a.example', data });
  await m.apply([
    e(1, 1000, 'delivery.deferred', { attempt: 1, enhanced: '4.3.2', reason: 'notaccept' }),
    e(2, 2000, 'delivery.deferred', { attempt: 2, enhanced: '4.7.0', reason: 'speeding' }),
    e(3, 3000, 'delivery.delivered', { attempts: 3 }),
  ], 3);
  assert.deepEqual(await m.funnel({ from: 0, to: 10_000 }), [{ finalStatus: 'delivered', finalAttempt: 3, n: 1 }]);
  assert.deepEqual(await m.funnel({ from: 0, to: 10_000, enhanced: '4.7.0' }), []);
  const [incident] = await m.incidentsOverlapping({ from: 0, to: 10_000 });
  assert.deepEqual([incident!.closedAt! - incident!.openedAt, incident!.codes, incident!.recipients, incident!.retries], [2000, { '4.3.2': 1, '4.7.0': 1 }, 1, 1]);
});
