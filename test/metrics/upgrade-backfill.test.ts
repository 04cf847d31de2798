import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { migrate as migrateSqlite } from '../../src/store/sqlite/migrate.ts';
import { migrate as migratePostgres } from '../../src/store/postgres/migrate.ts';
import { migrations as sqliteMigrations } from '../../src/store/sqlite/migrations/index.ts';
import { migrations as postgresMigrations } from '../../src/store/postgres/migrations/index.ts';
import { openMetrics } from '../../src/metrics/open-metrics.ts';
import { TestClock } from '../../src/engine/clock.ts';
import type { Store } from '../../src/store/store.ts';
import { PG_URL, dropSchema, newSchemaName, postgresAvailability } from '../store/contract/factories.ts';

const HOUR = 3_600_000;
const T = Date.UTC(2026, 0, 5, 9);

/**
 * The outbox of a store an earlier Rebound wrote and folded into its metrics before the
 * `delivered` and `refusals` columns existed: deliveries, permanent and transient failures, a
 * recipient refused at submission, and one delivery the projector had not reached yet.
 */
const EVENTS: Array<[number, string, string, Record<string, unknown>]> = [
  [T, 'delivery.delivered', 'a.example', { attempts: 1, destination: 'mx.a.example' }],
  [T + 60_000, 'delivery.delivered', 'a.example', { attempts: 2, destination: 'mx.a.example' }],
  [T + HOUR, 'delivery.delivered', 'b.example', { attempts: 1, destination: 'mx.b.example' }],
  [T, 'delivery.failed', 'b.example', { attempts: 1, cause: 'permanent', enhanced: '5.1.1', basic: 550, reason: 'userunknown', destination: 'mx.b.example' }],
  [T, 'delivery.failed', 'b.example', { attempts: 1, cause: 'permanent', enhanced: null, basic: 554, reason: 'blocked', destination: 'mx.b.example' }],
  [T, 'delivery.failed', 'a.example', { attempts: 5, cause: 'exhausted', enhanced: '4.3.2', basic: 451, reason: 'notaccept', destination: 'mx.a.example' }],
  [T, 'delivery.failed', 'c.example', { attempts: 0, cause: 'address-suppressed' }],
  [T + 2 * HOUR, 'delivery.delivered', 'c.example', { attempts: 1, destination: 'mx.c.example' }], // after the cursor
];
const FOLDED = EVENTS.length - 1;

async function check(store: Store) {
  const metrics = openMetrics(store, { clock: new TestClock(T + 3 * HOUR) });
  const o = (await metrics.summary({ from: T - HOUR, to: T + 3 * HOUR })).outcomes;
  // 3 deliveries from before the upgrade, 1 folded after it; 2 refusals; the exhausted one gave up
  assert.deepEqual([o.delivered, o.refused], [4, 2]);
  const a = (await metrics.summary({ from: T - HOUR, to: T + 3 * HOUR, domain: 'a.example' })).outcomes;
  assert.equal(a.delivered, 2);
  assert.deepEqual((await metrics.refusals({ from: T - HOUR, to: T + 3 * HOUR })).byReason, { userunknown: 1, blocked: 1 });
}

const skip = await postgresAvailability();

describe('an upgrade counts the deliveries and refusals its metrics had folded before they were counted', () => {
  test('on SQLite', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'rebound-backfill-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'old.db');
    const db = new Database(file);
    migrateSqlite(db, sqliteMigrations.slice(0, 7)); // before metric-refusals (8) and metric-delivered (10)
    const insert = db.prepare('INSERT INTO events (at, type, delivery_id, recipient, domain, data) VALUES (?, ?, ?, ?, ?, ?)');
    EVENTS.forEach(([at, type, domain, data], i) => insert.run(at, type, `dlv_${i}`, `u${i}@${domain}`, domain, JSON.stringify(data)));
    db.prepare('INSERT INTO metrics_cursor (id, last_event_id) VALUES (1, ?)').run(FOLDED);
    db.close();
    const store = new SqliteStore(file);
    t.after(() => store.close());
    await check(store);
  });

  test('on PostgreSQL', { skip: skip ?? false }, async (t) => {
    const schema = newSchemaName();
    t.after(() => dropSchema(schema));
    const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path="${schema}"` });
    await client.connect();
    try {
      await migratePostgres(client, postgresMigrations.slice(0, 6), schema); // before metric-refusals (7) and metric-delivered (9)
      for (const [i, [at, type, domain, data]] of EVENTS.entries()) {
        await client.query('INSERT INTO events (at, type, delivery_id, recipient, domain, data) VALUES ($1, $2, $3, $4, $5, $6)', [at, type, `dlv_${i}`, `u${i}@${domain}`, domain, JSON.stringify(data)]);
      }
      await client.query('INSERT INTO metrics_cursor (id, last_event_id) VALUES (1, (SELECT MAX(id) - 1 FROM events))');
    } finally {
      await client.end();
    }
    const store = new PostgresStore(PG_URL, { schema });
    t.after(() => store.close());
    await check(store);
  });
});
