import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { auth, startTestServer } from './helpers.ts';
import { PG_URL, newSchemaName, postgresAvailability } from '../store/contract/factories.ts';

const skip = await postgresAvailability();

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

// A database of its own, so shutting it off touches no other test.
test('when the PostgreSQL database stops taking connections, /healthz answers 503 saying so and the API answers 503 (not a bare 500); both recover by themselves', { skip: skip ?? false }, async (t) => {
  const name = newSchemaName('rebound_down');
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  t.after(() => admin(async (c) => {
    await c.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }));
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const s = await startTestServer(t, { db: url.toString() });
  const json = { ...auth(), 'content-type': 'application/json' };
  const submit = () => s.server.app.inject({ method: 'POST', url: '/v1/messages', headers: json, payload: { from: 'me@sender.test', to: ['jane@example.test'], subject: 's', text: 't' } });
  assert.equal((await s.server.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  assert.equal((await submit()).statusCode, 202);

  await admin(async (c) => {
    await c.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
    await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
  });
  const health = await s.server.app.inject({ method: 'GET', url: '/healthz' });
  assert.equal(health.statusCode, 503, health.body);
  assert.equal((health.json() as { status: string }).status, 'failing');
  assert.match((health.json() as { error: string }).error, /database|connection/);
  const refused = await submit();
  assert.equal(refused.statusCode, 503, refused.body);
  assert.match((refused.json() as { error: string }).error, /nothing was recorded, try again later$/);
  assert.equal(refused.headers['retry-after'], '10');

  await admin((c) => c.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`));
  assert.equal((await s.server.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  assert.equal((await submit()).statusCode, 202);
});
