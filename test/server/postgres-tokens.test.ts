import { describe, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { SqliteTokenStore } from '../../src/server/token-store.ts';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PostgresTokenStore } from '../../src/server/token-store.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { PG_URL, dropSchema, newSchemaName, postgresAvailability } from '../store/contract/factories.ts';
import { startTestServer } from './helpers.ts';

const skip = await postgresAvailability();
const BIN = fileURLToPath(new URL('../../bin/rebound', import.meta.url));

describe('stored API tokens on PostgreSQL', { skip: skip ?? false }, () => {
  test('serve on PostgreSQL with no configured token makes one; a token made by `rebound token` on the database is accepted after a refresh, and a revoked one refused', async (t) => {
    const schema = newSchemaName();
    t.after(() => dropSchema(schema));
    const db = `${PG_URL}?schema=${schema}`;
    // The node's own refresh is pushed out of the test's way: it re-reads the tokens only when told.
    const s = await startTestServer(t, { db, apiTokens: [] }, { tokenRefreshMs: 3_600_000 });
    assert.ok(s.server.firstToken?.startsWith('rbd_'), 'the first start made a token');
    const get = (token: string) => fetch(`${s.base}/v1/destinations`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal((await get(s.server.firstToken!)).status, 200);

    // `rebound token create` as another process against the same database
    const made = spawnSync(process.execPath, [BIN, 'token', 'create', '--db', db, '--label', 'ops', '--read-only'], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    const token = made.stdout.trim();
    assert.match(made.stderr, /created tok_\w+ \(read, "ops"\)/);
    assert.equal((await get(token)).status, 401, 'not yet seen by the running node');
    await (s.server.tokens as PostgresTokenStore).load(); // what the node's refresh timer does every 5 s
    assert.equal((await get(token)).status, 200);
    const write = await fetch(`${s.base}/v1/addresses/a%40example.test/suppress`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    assert.equal(write.status, 403, 'a read-only token may not write');

    const listed = spawnSync(process.execPath, [BIN, 'token', 'list', '--db', db], { encoding: 'utf8' });
    const id = /^(tok_\w+)\s+read/m.exec(listed.stdout)?.[1];
    assert.ok(id, listed.stdout);
    const revoked = spawnSync(process.execPath, [BIN, 'token', 'revoke', id!, '--db', db], { encoding: 'utf8' });
    assert.equal(revoked.status, 0, revoked.stderr);
    await (s.server.tokens as PostgresTokenStore).load();
    assert.equal((await get(token)).status, 401);
  });

  test('tokens are kept as digests: the database never holds a usable token', async (t) => {
    const schema = newSchemaName();
    const store = new PostgresStore(PG_URL, { schema });
    t.after(async () => { await store.close(); await dropSchema(schema); });
    const tokens = new PostgresTokenStore(store);
    const { token } = await tokens.create('x');
    const { rows } = await store.pool.query('SELECT * FROM api_tokens');
    assert.equal(rows.length, 1);
    assert.ok(!JSON.stringify(rows).includes(token));
    assert.equal(tokens.scopeOf(token), 'full');
    assert.equal(tokens.scopeOf(token + 'x'), null);
  });
});

test('rebound token create | list | revoke on a SQLite file: made, listed by id and label, and gone', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-token-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = join(dir, 'new', 'rebound.db');
  const run = (...args: string[]) => spawnSync(process.execPath, [BIN, 'token', ...args, '--db', db], { encoding: 'utf8' });
  const made = run('create', '--label', 'ci');
  assert.equal(made.status, 0, made.stderr);
  const store = new SqliteStore(db);
  const tokens = new SqliteTokenStore(store.db);
  assert.equal(tokens.scopeOf(made.stdout.trim()), 'full');
  const id = /^(tok_\w+)\s+full\s+\S+\s+ci$/m.exec(run('list').stdout)?.[1];
  assert.ok(id);
  assert.equal(run('revoke', id!).status, 0);
  assert.equal(tokens.scopeOf(made.stdout.trim()), null);
  const again = run('revoke', id!);
  assert.equal(again.status, 2, 'revoking an unknown id is a usage error');
  assert.match(again.stderr, /no token/);
  void store.close();
});

describe('the first start on PostgreSQL', { skip: skip ?? false }, () => {
  test("prints the new token and how to make more, without the database URL's password", async (t) => {
    const { spawnServe } = await import('./spawn-serve.ts');
    const schema = newSchemaName();
    t.after(() => dropSchema(schema));
    // trust authentication here ignores the password; the point is that it is never echoed
    const url = new URL(PG_URL);
    url.password = 'S3cretPW-0123';
    url.searchParams.set('schema', schema);
    const db = url.toString();
    const serve = await spawnServe(['--db', db, '--relay', 'smtp://127.0.0.1:9'], { REBOUND_API_TOKEN: '' });
    t.after(() => serve.stop());
    for (let i = 0; i < 200 && !serve.stderr().includes('More: rebound token create'); i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(serve.stderr(), /rbd_\w+/);
    assert.match(serve.stderr(), /More: rebound token create --db 'postgres:\/\/[^':]+:…@[^']+schema=\w+' \(password left out\)/);
    assert.ok(!serve.stderr().includes('S3cretPW') && !serve.stdout().includes('S3cretPW'), 'the password is not printed');
  });
});
