import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestReceiver, parseScript } from '../../src/delivery/test-receiver/index.ts';
import { SENDGRID_SIGNATURE_HEADER, SENDGRID_TIMESTAMP_HEADER, SIGNATURE_HEADER, verify } from '../../src/webhooks/index.ts';
import { startReceiver } from '../webhooks/helpers/http-receiver.ts';
import { spawnServe } from './spawn-serve.ts';

const TOKEN = 'webhooks-serve-token-0123456789';
const ENDPOINT_SECRET = 'endpoint-secret-0123456789abcdef';

// `rebound serve --webhooks FILE` as a child process: a signed SendGrid event over real HTTP is
// applied, a badly signed one is refused with nothing recorded, a provider left out of the file is
// not served, and the engine's events reach a configured endpoint signed with its secret.
test('black box: serve --webhooks takes signed ESP events in and sends signed events out', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-wh-serve-'));
  const sg = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const hooks = await startReceiver();
  const smtp = await TestReceiver.start({ script: parseScript('timeline: []\n') });
  const file = join(dir, 'webhooks.yaml');
  writeFileSync(file, [
    'providers:',
    '  sendgrid:',
    `    verificationKey: "${sg.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}"`,
    'endpoints:',
    `  - url: "${hooks.url('/events')}"`,
    `    secret: "${ENDPOINT_SECRET}"`,
    '    types: ["delivery.delivered", "address.suppressed"]',
    '',
  ].join('\n'));
  const serve = await spawnServe(['--db', join(dir, 'rebound.db'), '--relay', `smtp://127.0.0.1:${smtp.port}`, '--webhooks', file], { REBOUND_API_TOKEN: TOKEN });
  t.after(async () => {
    await serve.stop();
    await smtp.stop();
    await hooks.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const auth = { authorization: `Bearer ${TOKEN}` };
  const sendgrid = (body: string, key = sg.privateKey) => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    return fetch(`${serve.base}/v1/webhooks/sendgrid`, {
      method: 'POST', body,
      headers: {
        'content-type': 'application/json',
        [SENDGRID_TIMESTAMP_HEADER]: timestamp,
        [SENDGRID_SIGNATURE_HEADER]: sign('sha256', Buffer.concat([Buffer.from(timestamp), Buffer.from(body)]), key).toString('base64'),
      },
    });
  };
  const address = async (email: string) => (await fetch(`${serve.base}/v1/addresses/${encodeURIComponent(email)}`, { headers: auth }));

  // A hard bounce reported by SendGrid suppresses the address.
  const bounce = JSON.stringify([{ event: 'bounce', email: 'gone@example.test', timestamp: Math.floor(Date.now() / 1000), sg_event_id: 'sg-b1', type: 'bounce', status: '5.1.1', reason: '550 5.1.1 The email account that you tried to reach does not exist' }]);
  const forged = await sendgrid(bounce.replace('gone@', 'other@'), other.privateKey);
  assert.equal(forged.status, 401);
  const forgedBody = (await forged.json()) as { error: string };
  assert.match(forgedBody.error, /signature/i);
  assert.equal((await address('other@example.test')).status, 404, 'a refused event records nothing');

  const applied = await sendgrid(bounce);
  assert.equal(applied.status, 200, await applied.clone().text());
  assert.equal(((await applied.json()) as { applied: number }).applied, 1);
  const gone = (await (await address('gone@example.test')).json()) as { status: string };
  assert.equal(gone.status, 'suppressed');

  // Providers not in the file are not served at all, token or not.
  const postmark = await fetch(`${serve.base}/v1/webhooks/postmark`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: '{}' });
  assert.equal(postmark.status, 404);
  assert.ok(((await postmark.json()) as { error?: string }).error);

  // The route is in /openapi.json, without the bearer requirement the rest of /v1 has.
  const doc = (await (await fetch(`${serve.base}/openapi.json`)).json()) as { paths: Record<string, { post?: { security?: unknown[]; requestBody?: unknown } }> };
  const op = doc.paths['/v1/webhooks/{provider}']?.post;
  assert.ok(op, 'webhook route documented');
  assert.deepEqual(op.security, []);
  assert.ok(op.requestBody);

  // A message delivered over SMTP: its delivery.delivered event reaches the endpoint, signed.
  const sent = await fetch(`${serve.base}/v1/messages`, {
    method: 'POST', headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ from: 'news@sender.test', to: ['jane@example.test'], subject: 'hi', text: 'hello' }),
  });
  assert.equal(sent.status, 202);
  const { deliveries: [d] } = (await sent.json()) as { deliveries: Array<{ id: string }> };
  const deadline = Date.now() + 20_000;
  const wanted = () => hooks.received.filter((r) => r.body.includes('delivery.delivered') && r.body.includes(d!.id));
  while (wanted().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const [delivered] = wanted();
  assert.ok(delivered, `no delivery.delivered webhook arrived; received: ${hooks.received.map((r) => r.body.slice(0, 80)).join(' | ')}`);
  assert.equal(delivered.path, '/events');
  const check = verify(String(delivered.headers[SIGNATURE_HEADER.toLowerCase()]), delivered.body, ENDPOINT_SECRET, { now: () => Date.now() });
  assert.equal(check.ok, true, JSON.stringify(check));
  assert.ok(hooks.received.some((r) => r.body.includes('address.suppressed') && r.body.includes('gone@example.test')), 'the suppression went out too');
  assert.ok(hooks.received.every((r) => !r.body.includes('"delivery.queued"')), 'only the configured types are sent');
});

test('serve refuses to start with a webhooks file it cannot use, naming the key', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-wh-bad-'));
  try {
    const file = join(dir, 'webhooks.yaml');
    writeFileSync(file, 'providers:\n  mailgun:\n    signingKey: short\n');
    await assert.rejects(spawnServe(['--db', join(dir, 'rebound.db'), '--webhooks', file], { REBOUND_API_TOKEN: TOKEN }), /providers\.mailgun\.signingKey/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
