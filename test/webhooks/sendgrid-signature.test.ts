import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import fc from 'fast-check';
import { sendGridPublicKey, verifySendGridSignature } from '../../src/webhooks/index.ts';
import { fixture } from './helpers/fixtures.ts';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
// SendGrid shows the verification key as base64 DER without PEM armour
const dashboardKey = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
const NOW = Date.UTC(2026, 0, 5, 9, 0, 0);
const body = fixture('sendgrid/batch.json');

function signed(raw: string | Buffer, at = NOW, key = privateKey) {
  const timestamp = String(Math.floor(at / 1000));
  const signature = sign('sha256', Buffer.concat([Buffer.from(timestamp), Buffer.from(raw)]), key).toString('base64');
  return { signature, timestamp };
}
const opts = { publicKey: dashboardKey, now: () => NOW };
const failure = (r: ReturnType<typeof verifySendGridSignature>) => (r.ok ? null : r.failure);

test('a SendGrid batch signed with the account key verifies against the dashboard (base64 DER) key', () => {
  assert.deepEqual(verifySendGridSignature(body, signed(body), opts), { ok: true });
});

test('the key can also be given as PEM, or already parsed', () => {
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  assert.ok(verifySendGridSignature(body, signed(body), { ...opts, publicKey: pem }).ok);
  assert.ok(verifySendGridSignature(Buffer.from(body), signed(body), { ...opts, publicKey: sendGridPublicKey(dashboardKey) }).ok);
});

test('one changed byte of the body is a bad signature', () => {
  assert.equal(failure(verifySendGridSignature(body.replace('451 4.3.2', '250 2.0.0'), signed(body), opts)), 'bad-signature');
});

test('a signature made with another key is a bad signature', () => {
  const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
  assert.equal(failure(verifySendGridSignature(body, signed(body, NOW, other), opts)), 'bad-signature');
});

test('a timestamp outside the window is expired; a changed timestamp is a bad signature', () => {
  assert.equal(failure(verifySendGridSignature(body, signed(body, NOW - 60 * 60 * 1000), opts)), 'expired');
  const s = signed(body);
  assert.equal(failure(verifySendGridSignature(body, { ...s, timestamp: String(Number(s.timestamp) + 1) }, opts)), 'bad-signature');
});

test('a replayed request inside the window verifies; its sg_event_ids make it apply once', () => {
  const s = signed(body);
  assert.ok(verifySendGridSignature(body, s, opts).ok);
  assert.ok(verifySendGridSignature(body, s, opts).ok);
});

test('missing or malformed headers are refused with what was wrong', () => {
  const s = signed(body);
  assert.equal(failure(verifySendGridSignature(body, { timestamp: s.timestamp }, opts)), 'missing');
  assert.equal(failure(verifySendGridSignature(body, { signature: s.signature, timestamp: null }, opts)), 'missing');
  assert.equal(failure(verifySendGridSignature(body, { ...s, timestamp: 'yesterday' }, opts)), 'malformed');
  assert.equal(failure(verifySendGridSignature(body, { ...s, signature: '***' }, opts)), 'malformed');
  assert.equal(failure(verifySendGridSignature(body, { ...s, signature: 'AAAA' }, opts)), 'bad-signature');
});

test('a verification key that is not ECDSA P-256 is refused clearly', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  assert.throws(() => sendGridPublicKey(rsa), /ECDSA P-256/);
  assert.equal(failure(verifySendGridSignature(body, signed(body), { ...opts, publicKey: rsa })), 'malformed');
  assert.equal(failure(verifySendGridSignature(body, signed(body), { ...opts, publicKey: 'bm90IGEga2V5' })), 'malformed');
});

test('arbitrary headers and bodies never make the check throw', () => {
  fc.assert(fc.property(fc.string(), fc.option(fc.string()), fc.option(fc.string()), (raw, signature, timestamp) => {
    const r = verifySendGridSignature(raw, { signature, timestamp }, opts);
    assert.equal(r.ok, false);
  }), { numRuns: 500 });
});
