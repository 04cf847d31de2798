import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { migrations } from '../../src/store/sqlite/migrations/index.ts';
import { MigrationError } from '../../src/store/sqlite/migrate.ts';
import { delivery, message, write } from './fixtures.ts';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function open(t: { after: (fn: () => Promise<void> | void) => void }, path?: string): Promise<SqliteStore> {
  const store = new SqliteStore(path ?? join(tempDir(t), 'r.db'));
  t.after(() => store.close());
  return store;
}

const T = 1_700_000_000_000;

test('opening a new file applies every migration once and records it; reopening applies none', async (t) => {
  const path = join(tempDir(t), 'r.db');
  const a = new SqliteStore(path);
  await a.close();
  const b = new SqliteStore(path);
  const rows = b.db.prepare('SELECT id, name FROM schema_migrations ORDER BY id').all();
  assert.deepEqual(rows, migrations.map((m) => ({ id: m.id, name: m.name })));
  await b.close();
});

test('a file from a build that made api_tokens and inbound_quarantine outside the migrations upgrades and keeps its tokens', async (t) => {
  const path = join(tempDir(t), 'r.db');
  await new SqliteStore(path).close();
  // what such a build left: schema 4, the two tables made on first use, a stored token
  const db = new Database(path);
  db.prepare('DELETE FROM schema_migrations WHERE id = 5').run();
  db.exec('DROP TABLE api_tokens; DROP TABLE inbound_quarantine');
  db.exec(`CREATE TABLE api_tokens (id TEXT PRIMARY KEY, label TEXT NOT NULL, scope TEXT NOT NULL DEFAULT 'full', token_hash TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL)`);
  db.exec('CREATE TABLE inbound_quarantine (id TEXT PRIMARY KEY, at INTEGER NOT NULL, why TEXT NOT NULL, envelope TEXT NOT NULL, raw BLOB NOT NULL)');
  db.prepare('INSERT INTO api_tokens (id, label, scope, token_hash, created_at) VALUES (?, ?, ?, ?, ?)').run('tok_1', 'old', 'full', 'ab'.repeat(32), T);
  db.close();
  const store = await open(t, path);
  const ids = (store.db.prepare('SELECT id FROM schema_migrations ORDER BY id').all() as Array<{ id: number }>).map((r) => r.id);
  assert.deepEqual(ids, migrations.map((m) => m.id));
  assert.deepEqual(store.db.prepare('SELECT id, label FROM api_tokens').all(), [{ id: 'tok_1', label: 'old' }]);
});

test('migration 0007: bounces recorded under the old ids join their delivery\'s key range, and the delivery_id index goes', async (t) => {
  const path = join(tempDir(t), 'r.db');
  const first = new SqliteStore(path);
  await first.submit([], write(message('m1', T), [delivery('dlv_a', 'm1', T), delivery('dlv_ab', 'm1', T)]));
  await first.close();
  // what an earlier build left: schema 6, attempts_delivery, a bounce under `dsn:<event id>`
  const db = new Database(path);
  db.prepare('DELETE FROM schema_migrations WHERE id = 7').run();
  db.exec('CREATE INDEX attempts_delivery ON attempts (delivery_id, at)');
  const ins = db.prepare(`INSERT INTO attempts (id, delivery_id, n, at, source, reason, response, duration_ms, rule) VALUES (?, ?, ?, ?, 'smtp', 'notaccept', '451 4.3.2', 1, 'r')`);
  ins.run('dlv_a#1', 'dlv_a', 1, T);
  ins.run('dsn:<ev1@mx>:jane@example.org', 'dlv_a', 2, T + 1);
  ins.run('dlv_ab#1', 'dlv_ab', 1, T + 2);
  db.close();
  const store = await open(t, path);
  assert.deepEqual((await store.listAttempts('dlv_a')).map((a) => a.id), ['dlv_a#1', 'dlv_a#dsn:<ev1@mx>:jane@example.org']);
  assert.deepEqual((await store.listAttempts('dlv_ab')).map((a) => a.id), ['dlv_ab#1'], 'a delivery whose id extends another\'s is not in its range');
  assert.equal(store.db.prepare("SELECT name FROM sqlite_master WHERE name = 'attempts_delivery'").get(), undefined);
});

test('the store runs in WAL mode with fsync on every commit by default', async (t) => {
  const store = await open(t);
  assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(store.db.pragma('synchronous', { simple: true }), 2); // FULL
  assert.equal(store.db.pragma('foreign_keys', { simple: true }), 1);
});

test('a database from a newer Rebound is refused rather than used', async (t) => {
  const path = join(tempDir(t), 'r.db');
  await new SqliteStore(path).close();
  const db = new Database(path);
  db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)').run(migrations.length + 1, 'future', 0);
  db.close();
  assert.throws(() => new SqliteStore(path), MigrationError);
});

test('three processes opening one new file at once apply each migration exactly once', async (t) => {
  const path = join(tempDir(t), 'r.db');
  const script = `import { SqliteStore } from ${JSON.stringify(new URL('../../src/store/sqlite/sqlite-store.ts', import.meta.url).pathname)};
    const s = new SqliteStore(process.argv[1]); await s.close();`;
  const runs = [1, 2, 3].map(() => new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, path], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('exit', (code) => resolve(code ?? 1));
  }));
  assert.deepEqual(await Promise.all(runs), [0, 0, 0]);
  const db = new Database(path, { readonly: true });
  assert.equal((db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n, migrations.length);
  db.close();
});

test('a claim leases the oldest due deliveries; leased ones are not claimed again until the lease ends', async (t) => {
  const store = await open(t);
  const ds = [delivery('d3', 'm', T + 30), delivery('d1', 'm', T + 10), delivery('d2', 'm', T + 20), delivery('later', 'm', T + 1000)];
  await store.submit([], write(message('m', T), ds));
  const first = await store.claimDue({ now: T + 100, limit: 2, worker: 'w1', lockedUntil: T + 500 });
  assert.deepEqual(first.map((d) => [d.id, d.lockedBy, d.lockedUntil]), [['d1', 'w1', T + 500], ['d2', 'w1', T + 500]]);
  const second = await store.claimDue({ now: T + 100, limit: 10, worker: 'w2', lockedUntil: T + 600 });
  assert.deepEqual(second.map((d) => d.id), ['d3']);
  assert.deepEqual(await store.claimDue({ now: T + 499, limit: 10, worker: 'w2', lockedUntil: T + 900 }), []);
  // w1 died: its lease ends and the deliveries come back, now to w2.
  const again = await store.claimDue({ now: T + 500, limit: 10, worker: 'w2', lockedUntil: T + 900 });
  assert.deepEqual(again.map((d) => [d.id, d.lockedBy]), [['d1', 'w2'], ['d2', 'w2']]);
  assert.equal(await store.nextDueAt(), T + 600, 'next due is when d3\'s lease ends');
});

test('final deliveries are never claimed', async (t) => {
  const store = await open(t);
  await store.submit([], write(message('m', T), [
    delivery('done', 'm', T, { status: 'delivered', nextAttemptAt: T }),
    delivery('dead', 'm', T, { status: 'failed', nextAttemptAt: T }),
  ]));
  assert.deepEqual(await store.claimDue({ now: T + 1, limit: 10, worker: 'w', lockedUntil: T + 2 }), []);
  assert.equal(await store.nextDueAt(), null);
});

test('recording the same attempt id twice writes it once: the second decision is not even asked', async (t) => {
  const store = await open(t);
  await store.submit([], write(message('m', T), [delivery('d', 'm', T)]));
  let asked = 0;
  const decide = (_: unknown, state: { delivery: import('../../src/store/types.ts').DeliveryRecord | null }) => {
    asked++;
    const d = state.delivery!;
    return {
      attempt: { id: 'd#1', deliveryId: 'd', n: 1, at: T, source: 'smtp' as const, destination: null, phase: null, basic: 250, enhanced: '2.0.0', class: 'success' as const, reason: 'delivered', response: '250 ok', durationMs: 3, rule: 'r' },
      delivery: { ...d, status: 'delivered' as const, attempts: d.attempts + 1, nextAttemptAt: null },
      events: [{ at: T, type: 'delivery.delivered', deliveryId: 'd', recipient: d.recipient, domain: d.domain, data: { attempts: d.attempts + 1 } }],
    };
  };
  const [one] = await store.record([{ deliveryId: 'd', attemptId: 'd#1' }], decide);
  const [two] = await store.record([{ deliveryId: 'd', attemptId: 'd#1' }], decide);
  assert.ok(one);
  assert.equal(two, null);
  assert.equal(asked, 1);
  assert.equal((await store.getDelivery('d'))!.attempts, 1);
  assert.equal((await store.listAttempts('d')).length, 1);
  assert.equal((await store.listEvents(0, 10)).length, 1);
});

test('a decision that throws rolls the whole batch back', async (t) => {
  const store = await open(t);
  await store.submit([], write(message('m', T), [delivery('a', 'm', T), delivery('b', 'm', T)]));
  await assert.rejects(store.record([{ deliveryId: 'a', attemptId: null }, { deliveryId: 'b', attemptId: null }], (item, state) => {
    if (item.deliveryId === 'b') throw new Error('boom');
    return { delivery: { ...state.delivery!, status: 'failed', nextAttemptAt: null }, events: [] };
  }), /boom/);
  assert.equal((await store.getDelivery('a'))!.status, 'queued');
});

test('the outbox lists events after a cursor, in order, with their data', async (t) => {
  const store = await open(t);
  await store.submit([], () => ({
    message: message('m', T), deliveries: [], addresses: [],
    events: [1, 2, 3, 4, 5].map((i) => ({ at: T + i, type: 'delivery.deferred', deliveryId: null, recipient: 'x@y.z', domain: 'y.z', data: { i, nested: { ok: true } } })),
  }));
  const all = await store.listEvents(0, 100);
  assert.deepEqual(all.map((e) => e.data.i), [1, 2, 3, 4, 5]);
  const after = await store.listEvents(all[1]!.id, 2);
  assert.deepEqual(after.map((e) => e.data.i), [3, 4]);
  assert.deepEqual(after[0]!.data.nested, { ok: true });
});

test('destination counters add up and a success ends the run of consecutive failures', async (t) => {
  const store = await open(t);
  await store.submit([], write(message('m', T), [delivery('a', 'm', T), delivery('b', 'm', T), delivery('c', 'm', T)]));
  const observe = (id: string, success: boolean, at: number) => store.record([{ deliveryId: id, attemptId: null }], () => ({
    destination: { domain: 'example.org', mxHost: 'mx1.example.org', at, success, reply: success ? '250 ok' : '451 4.3.2 busy' }, events: [],
  }));
  await observe('a', false, T + 1);
  await observe('b', false, T + 2);
  let d = (await store.getDestination('example.org'))!;
  assert.deepEqual([d.attemptCount, d.failureCount, d.successCount, d.consecutiveFailures, d.lastReply], [2, 2, 0, 2, '451 4.3.2 busy']);
  await observe('c', true, T + 3);
  d = (await store.getDestination('example.org'))!;
  assert.deepEqual([d.attemptCount, d.failureCount, d.successCount, d.consecutiveFailures, d.health], [3, 2, 1, 0, 'open']);
  await store.updateDestinationHealth('example.org', { health: 'suspended', suspendedUntil: T + 300_000 }, T + 4);
  d = (await store.getDestination('example.org'))!;
  assert.deepEqual([d.health, d.suspendedUntil, d.attemptCount], ['suspended', T + 300_000, 3]);
});

test('a large message and odd text round-trip byte for byte', async (t) => {
  const store = await open(t);
  const raw = Buffer.alloc(8 << 20, 0xff);
  raw.write('Subject: \u00e9\u0000\r\n', 0, 'utf8');
  await store.submit([], write(message('big', T, raw), [delivery('d', 'big', T, { recipient: "o'brien+\u{1F600}@example.org" })]));
  const m = (await store.getMessage('big'))!;
  assert.ok(m.raw.equals(raw));
  assert.equal((await store.getDelivery('d'))!.recipient, "o'brien+\u{1F600}@example.org");
  assert.equal(await store.getMessage("'; DROP TABLE messages; --"), null);
});

test('counts by status cover every status', async (t) => {
  const store = await open(t);
  await store.submit([], write(message('m', T), [delivery('a', 'm', T), delivery('b', 'm', T, { status: 'failed', nextAttemptAt: null })]));
  assert.deepEqual(await store.countDeliveries(), { queued: 1, deferred: 0, delivered: 0, failed: 1 });
});
