import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { parseSignatureHeader, sign, signatureHeader, verify } from '../../src/webhooks/index.ts';

const NOW = Date.UTC(2026, 0, 5, 9, 0, 0);
const T = NOW / 1000;
const body = JSON.stringify({ type: 'delivery.deferred', deliveryId: 'dlv_01', recipient: 'jane@example.org' });
const failure = (r: ReturnType<typeof verify>) => (r.ok ? null : r.failure);

test('sign is hex HMAC-SHA256 of "<t>.<body>" with the secret, as docs/webhooks.md tells receivers', () => {
  const receiverSide = createHmac('sha256', 'whsec_test').update(`${T}.${body}`).digest('hex');
  assert.equal(sign('whsec_test', T, body), receiverSide);
  assert.equal(sign('whsec_test', T, Buffer.from(body)), receiverSide);
  assert.equal(signatureHeader('whsec_test', T, body), `t=${T},v1=${receiverSide}`);
});

test('a header made by signatureHeader verifies against the same body and secret', () => {
  assert.deepEqual(verify(signatureHeader('whsec_test', T, body), body, 'whsec_test', { now: () => NOW }), { ok: true });
});

test('a changed body, another secret, or an old timestamp is refused', () => {
  const h = signatureHeader('whsec_test', T, body);
  assert.equal(failure(verify(h, body + ' ', 'whsec_test', { now: () => NOW })), 'bad-signature');
  assert.equal(failure(verify(h, body, 'whsec_other', { now: () => NOW })), 'bad-signature');
  assert.equal(failure(verify(h, body, 'whsec_test', { now: () => NOW + 6 * 60 * 1000 })), 'expired');
  assert.ok(verify(h, body, 'whsec_test', { now: () => NOW + 6 * 60 * 1000, toleranceMs: 10 * 60 * 1000 }).ok);
  // the detail says which way the clock is off
  assert.deepEqual(verify(h, body, 'whsec_test', { now: () => NOW + 6 * 60 * 1000 }), { ok: false, failure: 'expired', detail: 'signed 360 s ago' });
  assert.deepEqual(verify(h, body, 'whsec_test', { now: () => NOW - 6 * 60 * 1000 }), { ok: false, failure: 'expired', detail: 'signed 360 s in the future' });
});

test('normalizeWebhook with a provider it does not read says so (it threw a TypeError)', async () => {
  const { normalizeWebhook, WebhookPayloadError } = await import('../../src/webhooks/index.ts');
  assert.throws(() => normalizeWebhook('hotmail' as never, '[]', { classify: () => ({}) as never, now: () => 0 }),
    (err: Error) => err instanceof WebhookPayloadError && /hotmail webhook: not a provider Rebound reads \(one of ses, sendgrid, mailgun, postmark, sparkpost\)/.test(err.message));
});

test('a timestamp moved in the header no longer matches its v1', () => {
  const h = signatureHeader('whsec_test', T, body).replace(`t=${T}`, `t=${T + 1}`);
  assert.equal(failure(verify(h, body, 'whsec_test', { now: () => NOW })), 'bad-signature');
});

test('while a secret rotates, the header carries one v1 per secret and either secret verifies', () => {
  const h = signatureHeader(['whsec_old', 'whsec_new'], T, body);
  assert.equal(parseSignatureHeader(h)!.v1.length, 2);
  assert.ok(verify(h, body, 'whsec_old', { now: () => NOW }).ok);
  assert.ok(verify(h, body, ['whsec_unrelated', 'whsec_new'], { now: () => NOW }).ok);
});

test('unknown schemes in the header are skipped; a header without t or v1 is malformed', () => {
  const h = `t=${T},v0=abc,v2=${'f'.repeat(64)},v1=${sign('k', T, body)}`;
  assert.ok(verify(h, body, 'k', { now: () => NOW }).ok);
  assert.equal(failure(verify(`v1=${sign('k', T, body)}`, body, 'k', { now: () => NOW })), 'malformed');
  assert.equal(failure(verify(`t=${T}`, body, 'k', { now: () => NOW })), 'malformed');
  assert.equal(failure(verify(null, body, 'k', { now: () => NOW })), 'missing');
});

test('sign refuses an empty secret and a timestamp that is not whole seconds', () => {
  assert.throws(() => sign('', T, body), RangeError);
  assert.throws(() => sign('k', 1.5, body), RangeError);
});

test('arbitrary headers never make verify throw or pass', () => {
  fc.assert(fc.property(fc.string({ maxLength: 300 }), (h) => {
    assert.equal(verify(h, body, 'k', { now: () => NOW }).ok, false);
  }), { numRuns: 1000 });
});
