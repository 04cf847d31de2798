import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestClock } from '../../src/engine/clock.ts';
import { Metrics } from '../../src/metrics/metrics.ts';
import { PostgresMetricsStore } from '../../src/metrics/postgres-metrics-store.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { PG_URL, dropSchema, newSchemaName, postgresAvailability } from '../store/contract/factories.ts';
import { world, REPLIES, HOUR } from './helpers.ts';

const skip = await postgresAvailability();

describe('metrics on PostgreSQL with several nodes', { skip: skip ?? false }, () => {
  test('two nodes folding the outbox at once fold every event exactly once', async (t) => {
    // 40 recipients at four domains, down for 5 h: deferrals, retries and closed incidents
    const w = world((job, now) => (now - w.t0 < 5 * HOUR ? REPLIES.notAccepting() : REPLIES.ok()), 'UTC', 'PostgreSQL');
    t.after(w.cleanup);
    await w.send(Array.from({ length: 40 }, (_, i) => `r${i}@d${i % 4}.example`));
    await w.runUntil(w.t0 + 10 * HOUR);
    const store = w.store as PostgresStore;
    // two more nodes on the same schema, each with its own pool and Metrics (small batches, so they interleave)
    const nodes = [0, 1].map(() => new PostgresStore(PG_URL, { schema: store.schema! }));
    t.after(() => Promise.all(nodes.map((n) => n.close())).then(() => undefined));
    const clock = new TestClock(w.clock.now());
    const metrics = nodes.map((n) => new Metrics({ store: n, metrics: new PostgresMetricsStore(n), clock, batchSize: 7 }));
    const folded = await Promise.all(metrics.map((m) => m.sync()));
    const events = (await store.listEvents(0, 100_000)).length;
    assert.ok(folded[0]! + folded[1]! >= events, 'between them the nodes read every event');
    const window = { from: w.t0, to: w.t0 + 10 * HOUR };
    // By construction: each recipient deferred at +0 and +1 h and delivered at +5 h (the seed
    // schedule), four incidents of 5 h. An event folded twice would double these.
    for (const m of metrics) {
      const s = await m.summary(window);
      assert.equal(s.deferrals.total, 40 * 2);
      assert.deepEqual(s.deferrals.byEnhanced, { '4.3.2': 80 });
      assert.equal(s.resolution.count, 4);
      assert.equal(s.resolution.maxSeconds, 5 * 3600);
      assert.equal(s.retrySuccess.rate, 1);
    }
  });

  test('a segment streams off a server-side cursor, and a reader that stops early gives its connection back', async (t) => {
    const schema = newSchemaName();
    const store = new PostgresStore(PG_URL, { schema, poolSize: 2 });
    t.after(async () => { await store.close(); await dropSchema(schema); });
    await store.whenReady();
    const now = Date.UTC(2026, 0, 5);
    await store.pool.query("INSERT INTO messages (id, mail_from, raw, created_at) VALUES ('m', 'a@s.example', '\\x00', $1)", [now]);
    await store.pool.query(`INSERT INTO deliveries (id, message_id, recipient, domain, status, attempts, last_at, last_reason, last_enhanced, created_at, updated_at)
      SELECT 'd' || i, 'm', 'r' || lpad(i::text, 5, '0') || '@big.example', 'big.example', 'deferred', 1, $1, 'notaccept', '4.3.2', $1, $1
      FROM generate_series(0, 4999) AS i`, [now]);
    const m = new PostgresMetricsStore(store);
    let n = 0;
    let first = '';
    for await (const row of m.segment({ kind: 'deferred', domain: 'big.example', enhanced: '4.3.2' })) {
      if (n++ === 0) first = row.recipient;
    }
    assert.equal(n, 5000, 'every row, fetched 1,000 at a time');
    assert.equal(first, 'r00000@big.example');
    for (let i = 0; i < 3; i++) {
      for await (const row of m.segment({ kind: 'deferred' })) {
        assert.equal(row.domain, 'big.example');
        break;
      }
    }
    assert.equal(store.pool.totalCount - store.pool.idleCount, 0, 'no connection is left checked out');
    assert.equal((await m.segment({ kind: 'deferred', domain: "x' OR '1'='1" })[Symbol.asyncIterator]().next()).done, true, 'filter values are quoted, not spliced');
  });
});
