import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { tempStore } from '../engine/helpers.ts';
import { SqliteMetricsStore } from '../../src/metrics/sqlite-metrics-store.ts';
import type { EventRecord } from '../../src/store/types.ts';

const eventArb = fc.record({
  id: fc.nat(),
  at: fc.integer({ min: 0, max: 4_000_000_000_000 }),
  type: fc.constantFrom('delivery.deferred', 'delivery.failed', 'delivery.delivered', 'delivery.retry_scheduled', 'address.unavailable', 'delivery.complained', 'junk'),
  deliveryId: fc.option(fc.constantFrom('d1', 'd2', 'd3'), { nil: null }),
  recipient: fc.option(fc.string({ maxLength: 40 }), { nil: null }),
  domain: fc.option(fc.constantFrom('a.example', 'b.example', ''), { nil: null }),
  data: fc.dictionary(fc.constantFrom('attempt', 'attempts', 'enhanced', 'basic', 'reason', 'type', 'destination', 'cause', 'kind'),
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

test('a segment streams lazily off its own connection: the engine keeps writing while a slow client reads', async (t) => {
  const { store, cleanup } = tempStore();
  t.after(cleanup);
  const now = Date.UTC(2026, 0, 5);
  const insM = store.db.prepare("INSERT INTO messages (id, mail_from, raw, created_at) VALUES ('m', 'a@s.example', x'00', ?)");
  insM.run(now);
  const insD = store.db.prepare(`INSERT INTO deliveries (id, message_id, recipient, domain, status, attempts, last_at, last_reason, last_enhanced, created_at, updated_at)
    VALUES (?, 'm', ?, 'big.example', 'deferred', 1, ?, 'notaccept', '4.3.2', ?, ?)`);
  store.db.transaction(() => {
    for (let i = 0; i < 20_000; i++) insD.run(`d${i}`, `r${String(i).padStart(5, '0')}@big.example`, now, now, now);
  })();
  const m = new SqliteMetricsStore(store.db);
  const rows = m.segment({ kind: 'deferred' })[Symbol.asyncIterator]();
  const first = await rows.next();
  assert.equal(first.value?.recipient, 'r00000@big.example');
  // Mid-stream, the engine's connection still writes.
  store.db.prepare("UPDATE deliveries SET status = 'delivered' WHERE id = 'd19999'").run();
  let n = 1;
  while (!(await rows.next()).done) n++;
  assert.equal(n, 20_000); // the reader's snapshot was taken when the stream began
  for await (const row of m.segment({ kind: 'deferred', domain: 'big.example' })) {
    assert.equal(row.recipient, 'r00000@big.example');
    break; // an abandoned stream closes its connection (the generator's finally)
  }
});
