import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReceiver } from '../webhooks/helpers/http-receiver.ts';
import { auth, eventually, startTestServer } from './helpers.ts';

const SECRET = 'endpoint-secret-0123456789abcdef';


// A real server whose engine runs a million times faster than the wall, so the three-day retry
// window of an outgoing POST passes in a fraction of a second.
test('dead letters are listed over the API and sent again once the endpoint is fixed', async (t) => {
  let up = false;
  const hooks = await startReceiver(() => (up ? { status: 204 } : { status: 500, body: 'endpoint broken' }));
  t.after(() => hooks.close());
  const dir = mkdtempSync(join(tmpdir(), 'rebound-outgoing-api-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'webhooks.yaml');
  writeFileSync(file, `endpoints:\n  - { url: "${hooks.url()}", secret: "${SECRET}", types: ["address.*"] }\n`);
  const s = await startTestServer(t, { webhooks: file, timeScale: 1_000_000 });
  const call = (method: 'GET' | 'POST', url: string, payload?: unknown, headers = auth()) =>
    s.server.app.inject({ method, url, headers: { ...headers, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) }, ...(payload === undefined ? {} : { payload: payload as object }) });

  assert.equal((await call('POST', '/v1/addresses/gone%40example.org/suppress')).statusCode, 200);
  const dead = await eventually('the dead letter', async () => {
    const list = (await call('GET', '/v1/outgoing-webhooks')).json() as { outgoing: Array<{ id: number; eventType: string; eventId: string; attempts: number; lastError: string }> };
    return list.outgoing.length ? list.outgoing : null;
  });
  assert.equal(dead.length, 1);
  assert.equal(dead[0]!.eventType, 'address.suppressed');
  // at this speed a POST's own wall time is a quarter of an hour of engine time: a few dozen tries
  assert.ok(dead[0]!.attempts > 1, `retried through the window: ${dead[0]!.attempts} tries`);
  assert.match(dead[0]!.lastError, /HTTP 500: endpoint broken/);
  assert.equal(dead[0]!.eventId, hooks.received[0]!.headers['rebound-event-id']);

  // only with the token; a body must say what to send again
  assert.equal((await call('GET', '/v1/outgoing-webhooks', undefined, {})).statusCode, 401);
  assert.equal((await call('POST', '/v1/outgoing-webhooks/redeliver', {})).statusCode, 400);
  assert.equal((await call('POST', '/v1/outgoing-webhooks/redeliver', { ids: [dead[0]!.id], all: true })).statusCode, 400);
  assert.equal((await call('GET', '/v1/outgoing-webhooks?status=lost')).statusCode, 400);

  up = true;
  const tried = hooks.received.length;
  const r = await call('POST', '/v1/outgoing-webhooks/redeliver', { ids: [dead[0]!.id, 999_999] });
  assert.equal(r.statusCode, 200, r.body);
  assert.deepEqual(r.json(), { redelivered: 1 });
  await eventually('the delivered row', async () => {
    const list = (await call('GET', '/v1/outgoing-webhooks?status=delivered')).json() as { outgoing: unknown[] };
    return list.outgoing.length ? list.outgoing : null;
  });
  assert.equal(hooks.received.length, tried + 1, 'sent once more, and accepted');
  assert.equal(hooks.received.at(-1)!.body, hooks.received[0]!.body, 'the same event, the same bytes');
  assert.deepEqual((await call('GET', '/v1/outgoing-webhooks')).json(), { outgoing: [] });
});

test('without a webhooks file the outgoing-webhook routes say so', async (t) => {
  const s = await startTestServer(t);
  const res = await s.server.app.inject({ method: 'GET', url: '/v1/outgoing-webhooks', headers: auth() });
  assert.equal(res.statusCode, 404);
  assert.match(res.json().error, /no webhooks file is configured/);
});

test('events written just before a shutdown are sent before the process ends, not at a next start that may never come', async (t) => {
  const hooks = await startReceiver();
  t.after(() => hooks.close());
  const dir = mkdtempSync(join(tmpdir(), 'rebound-outgoing-stop-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'webhooks.yaml');
  writeFileSync(file, `endpoints:\n  - { url: "${hooks.url()}", secret: "${SECRET}", types: ["address.*"] }\n`);
  const s = await startTestServer(t, { webhooks: file });
  // the dispatcher polls every 5 s: an event written now would wait for that, or for a next start
  assert.equal((await s.server.app.inject({ method: 'POST', url: '/v1/addresses/last%40example.org/suppress', headers: auth() })).statusCode, 200);
  await s.server.close();
  assert.deepEqual(hooks.received.map((r) => JSON.parse(r.body).recipient), ['last@example.org']);
});
