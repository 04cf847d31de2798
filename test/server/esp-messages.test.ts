import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verify } from '../../src/webhooks/index.ts';
import { startReceiver } from '../webhooks/helpers/http-receiver.ts';
import { auth, eventually, startTestServer } from './helpers.ts';

const RESEND_SECRET = 'resend-secret-0123456789abcdef';


// A sender whose mail goes out through an ESP registers it over HTTP, passes the delivery id
// through the ESP, and gets Rebound's retries as signed POSTs to its resend URL. The engine runs
// 100,000 times faster than the wall, so the seed's first hour passes in 36 ms.
test('POST /v1/messages with resendUrl: the message is recorded as handed to the ESP, and a 4.3.2 the ESP reports is retried through the resend hook', async (t) => {
  const resend = await startReceiver(() => ({ status: 202 }));
  t.after(() => resend.close());
  const dir = mkdtempSync(join(tmpdir(), 'rebound-esp-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'webhooks.yaml');
  writeFileSync(file, `resend: { secret: "${RESEND_SECRET}" }\n`);
  const s = await startTestServer(t, { webhooks: file, timeScale: 100_000 });
  const post = (url: string, payload: object) => s.server.app.inject({ method: 'POST', url, headers: { ...auth(), 'content-type': 'application/json' }, payload });

  const res = await post('/v1/messages', { from: 'news@sender.test', to: ['jane@example.test'], subject: 'hi', text: 'hello', resendUrl: resend.url('/resend') });
  assert.equal(res.statusCode, 202, res.body);
  const deliveryId = (res.json() as { deliveries: Array<{ id: string }> }).deliveries[0]!.id;
  const first = await eventually('the first attempt', async () => {
    const d = (await s.server.app.inject({ method: 'GET', url: `/v1/deliveries/${deliveryId}`, headers: auth() })).json() as { attempts: Array<{ source: string; response: string }> };
    return d.attempts.length ? d.attempts[0]! : null;
  });
  assert.equal(first.source, 'resend');
  assert.match(first.response, /handed to the ESP/);
  assert.equal(s.receiver.seen.rcpt, 0, 'Rebound never sent it over SMTP');

  // the ESP reports a 4.3.2 for it (here through the JSON bounce route, naming the delivery)
  const bounce = await post('/v1/bounces', { reply: '451 4.3.2 System not accepting network messages', recipient: 'jane@example.test', deliveryId });
  assert.equal(bounce.statusCode, 202, bounce.body);
  const call = await eventually('the resend POST', async () => resend.received[0] ?? null);
  const body = JSON.parse(call.body) as { deliveryId: string; recipient: string; attempt: number; reason: string; originalMessageId: string | null };
  assert.deepEqual([body.deliveryId, body.recipient, body.attempt, body.reason], [deliveryId, 'jane@example.test', 2, 'notaccept']);
  // the Message-ID the composed message carries, so the sender can find the message to send again
  const messageId = ((await s.server.app.inject({ method: 'GET', url: `/v1/messages/${(res.json() as { id: string }).id}`, headers: auth() })).json() as { originalMessageId: string }).originalMessageId;
  assert.match(messageId, /^<[^<>@]+@sender\.test>$/);
  assert.equal(body.originalMessageId, messageId);
  assert.equal(verify(call.headers['rebound-signature'] as string, call.body, RESEND_SECRET, { now: Date.now }).ok, true);
});

test('resendUrl needs a resend secret, and an http(s) URL', async (t) => {
  const s = await startTestServer(t);
  const post = (payload: object) => s.server.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...auth(), 'content-type': 'application/json' }, payload });
  const none = await post({ from: 'news@sender.test', to: ['jane@example.test'], subject: 'hi', text: 'hello', resendUrl: 'https://app.example/resend' });
  assert.equal(none.statusCode, 400);
  assert.match(none.json().error, /no resend secret is configured/);
  const bad = await post({ from: 'news@sender.test', to: ['jane@example.test'], subject: 'hi', text: 'hello', resendUrl: 'file:///etc/passwd' });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().details.field, 'body.resendUrl');
});
