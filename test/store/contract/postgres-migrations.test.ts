import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import pg from 'pg';
import { PostgresStore } from '../../../src/store/postgres/postgres-store.ts';
import { PostgresMigrationError } from '../../../src/store/postgres/migrate.ts';
import { migrations } from '../../../src/store/postgres/migrations/index.ts';
import { openStore } from '../../../src/store/open-store.ts';
import { PG_URL, dropSchema, newSchemaName, postgresAvailability } from './factories.ts';

const skip = await postgresAvailability();

async function rows(schema: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return (await client.query(sql.replaceAll('SCHEMA', `"${schema}"`))).rows;
  } finally {
    await client.end();
  }
}

test('a malformed postgres:// location is refused with a clear error that hides the password', () => {
  assert.throws(() => openStore('postgres://rebound:s3cret@[bad-host/db'), (err: Error) => {
    assert.match(err.message, /not a usable PostgreSQL URL: postgres:\/\/… \(a URL that does not parse\)/);
    assert.doesNotMatch(err.message, /s3cret/);
    return true;
  });
});

test('redactUrl hides a password in every form pg reads one: userinfo (up to the last "@"), a ?password= parameter', async () => {
  const { redactUrl } = await import('../../../src/store/postgres/postgres-store.ts');
  for (const [url, shown] of [
    ['postgres://rebound:s3cret@db.example:5432/rebound?schema=a', 'postgres://rebound:…@db.example:5432/rebound?schema=a'],
    ['postgres://rebound:s3c@ret@db.example/rebound', 'postgres://rebound:…@db.example/rebound'],
    ['postgres://rebound@db.example/rebound?password=s3cret&schema=a', 'postgres://rebound@db.example/rebound?password=…&schema=a'],
    ['postgres://db.example/rebound', 'postgres://db.example/rebound'],
  ]) assert.equal(redactUrl(url!), shown);
});

describe('PostgreSQL store: migrations and connection', { skip: skip ?? false }, () => {
  test('three processes opening one new schema at once apply each migration exactly once', async (t) => {
    const schema = newSchemaName();
    t.after(() => dropSchema(schema));
    const script = `import { PostgresStore } from ${JSON.stringify(new URL('../../../src/store/postgres/postgres-store.ts', import.meta.url).pathname)};
      const s = new PostgresStore(process.argv[1], { schema: process.argv[2] }); await s.countDeliveries(); await s.close();`;
    const runs = [1, 2, 3].map(() => new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, PG_URL, schema], { stdio: ['ignore', 'ignore', 'inherit'] });
      child.on('exit', (code) => resolve(code ?? 1));
    }));
    assert.deepEqual(await Promise.all(runs), [0, 0, 0]);
    const applied = await rows(schema, 'SELECT id, name FROM SCHEMA.schema_migrations ORDER BY id');
    assert.deepEqual(applied, migrations.map((m) => ({ id: m.id, name: m.name })));
  });

  test('a schema from a newer Rebound is refused rather than used', async (t) => {
    const schema = newSchemaName();
    t.after(() => dropSchema(schema));
    const first = new PostgresStore(PG_URL, { schema });
    await first.countDeliveries();
    await first.close();
    await rows(schema, `INSERT INTO SCHEMA.schema_migrations (id, name, applied_at) VALUES (${migrations.length + 1}, 'future', 0)`);
    const second = new PostgresStore(PG_URL, { schema });
    t.after(() => second.close());
    await assert.rejects(second.countDeliveries(), PostgresMigrationError);
  });

  test('a server that does not answer gives an error naming it, without the password', async () => {
    const store = new PostgresStore('postgres://rebound:s3cret@127.0.0.1:1/none', { schema: 'x' });
    await assert.rejects(store.countDeliveries(), (err: Error) => {
      assert.match(err.message, /cannot reach PostgreSQL at postgres:\/\/rebound:…@127\.0\.0\.1:1\/none/);
      assert.doesNotMatch(err.message, /s3cret/);
      return true;
    });
    await store.close();
  });

  test('openStore opens a postgres:// URL, its ?schema= naming where the tables live', async (t) => {
    const schema = newSchemaName();
    t.after(() => dropSchema(schema));
    const store = openStore(`${PG_URL}?schema=${schema}`);
    t.after(() => store.close());
    assert.ok(store instanceof PostgresStore);
    assert.deepEqual(await store.countDeliveries(), { queued: 0, deferred: 0, delivered: 0, failed: 0 });
    assert.equal((await rows(schema, 'SELECT COUNT(*)::int AS n FROM SCHEMA.schema_migrations'))[0]!.n, migrations.length);
  });

  test('a hostile schema name is refused before any SQL runs', () => {
    assert.throws(() => new PostgresStore(PG_URL, { schema: 'x"; DROP TABLE deliveries; --' }), PostgresMigrationError);
  });

  test('cluster-wide destination slots: no more than the limit are held across nodes, and a dead holder\'s slot frees when its lease ends', async (t) => {
    const schema = newSchemaName();
    t.after(() => dropSchema(schema));
    const a = new PostgresStore(PG_URL, { schema });
    const b = new PostgresStore(PG_URL, { schema });
    t.after(async () => { await a.close(); await b.close(); });
    const T = 1_700_000_000_000;
    const tries = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).acquireSlot('example.org', `h${i}`, 3, T, T + 1000)));
    assert.equal(tries.filter(Boolean).length, 3);
    assert.equal(await a.slotsInUse('example.org', T), 3);
    assert.equal(await b.acquireSlot('example.org', 'late', 3, T + 500, T + 1500), false);
    const holder = `h${tries.findIndex(Boolean)}`;
    await a.releaseSlot('example.org', holder);
    assert.equal(await b.acquireSlot('example.org', 'late', 3, T + 500, T + 1500), true);
    assert.equal(await b.acquireSlot('example.org', 'after-expiry', 3, T + 1000, T + 2000), true, 'the leases that ended at T+1000 no longer count');
    assert.equal(await a.slotsInUse('other.org', T), 0);
  });

  test('a submission on one node wakes a listener on another', async (t) => {
    const schema = newSchemaName();
    t.after(() => dropSchema(schema));
    const a = new PostgresStore(PG_URL, { schema, channel: schema });
    const b = new PostgresStore(PG_URL, { schema, channel: schema });
    t.after(async () => { await a.close(); await b.close(); });
    let woke = 0;
    let wake = () => {};
    const woken = new Promise<void>((resolve) => { wake = resolve; });
    await b.listen(() => { woke++; wake(); });
    await assert.rejects(b.listen(() => {}), /already listening/);
    const T = 1_700_000_000_000;
    await a.submit([], () => ({ message: { id: 'm', from: 's@x.org', raw: Buffer.from('x'), originalMessageId: null, tag: null, createdAt: T }, deliveries: [{ id: 'd', messageId: 'm', recipient: 'r@x.org', domain: 'x.org', status: 'queued', attempts: 0, maxAttempts: null, nextAttemptAt: T, firstDeferredAt: null, expiresAt: null, lastOutcome: null, rule: null, delayWarningAt: null, lockedBy: null, lockedUntil: null, createdAt: T, updatedAt: T }], addresses: [], events: [] }));
    await woken;
    assert.ok(woke >= 1);
  });

  test('a listener whose connection the server ends opens it again and still hears notifications', async (t) => {
    const schema = newSchemaName();
    t.after(() => dropSchema(schema));
    const store = new PostgresStore(PG_URL, { schema, channel: schema });
    t.after(() => store.close());
    let woke = 0;
    await store.listen(() => { woke++; });
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    t.after(() => admin.end());
    const listeners = async () => (await admin.query("SELECT pid FROM pg_stat_activity WHERE query = $1", [`LISTEN "${schema}"`])).rows.map((r) => Number(r.pid));
    const [first] = await listeners();
    assert.ok(first, 'listening');
    await admin.query('SELECT pg_terminate_backend($1)', [first]);
    // reopened about a second later (wall time: it is a reconnect, not a schedule); the ended
    // backend can linger in pg_stat_activity for a moment, so wait for a different one
    const reopened = async () => (await listeners()).filter((pid) => pid !== first);
    for (let i = 0; i < 300 && (await reopened()).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal((await reopened()).length, 1, 'the LISTEN connection is back');
    for (let i = 0; i < 100 && woke === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const before = woke;
    assert.ok(before >= 1, 'the reopened listener wakes the scheduler once, for what it may have missed');
    await admin.query('SELECT pg_notify($1, $2)', [schema, '']);
    for (let i = 0; i < 100 && woke === before; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(woke, before + 1);
  });
});
