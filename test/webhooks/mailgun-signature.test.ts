import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { mailgunSignatureOf, MemoryReplayStore, readPayload, verifyMailgunSignature } from '../../src/webhooks/index.ts';
import type { MailgunSignature } from '../../src/webhooks/index.ts';
import { fixture } from './helpers/fixtures.ts';

const KEY = randomBytes(24).toString('hex');
const NOW = Date.UTC(2026, 0, 5, 9, 0, 0);

function signedBody(at = NOW, key = KEY, token = randomBytes(25).toString('hex')): string {
  const body = JSON.parse(fixture('mailgun/failed-temporary.json'));
  const timestamp = String(Math.floor(at / 1000));
  body.signature = { timestamp, token, signature: createHmac('sha256', key).update(timestamp + token).digest('hex') };
  return JSON.stringify(body);
}
const sigOf = (raw: string) => mailgunSignatureOf(readPayload('mailgun', raw));
const setup = () => ({ signingKey: KEY, now: () => NOW, replay: new MemoryReplayStore() });
const failure = async (sig: MailgunSignature | null, o: Parameters<typeof verifyMailgunSignature>[1]) => {
  const r = await verifyMailgunSignature(sig, o);
  return r.ok ? null : r.failure;
};

test('a Mailgun webhook signed with the signing key verifies', async () => {
  assert.deepEqual(await verifyMailgunSignature(sigOf(signedBody()), setup()), { ok: true });
});

test('a signature made with another key is a bad signature', async () => {
  assert.equal(await failure(sigOf(signedBody(NOW, 'another-key')), setup()), 'bad-signature');
});

test('a timestamp outside the window is expired', async () => {
  assert.equal(await failure(sigOf(signedBody(NOW - 60 * 60 * 1000)), setup()), 'expired');
  assert.equal(await failure(sigOf(signedBody(NOW + 60 * 60 * 1000)), setup()), 'expired');
});

test('the same token a second time is a replay', async () => {
  const o = setup();
  const raw = signedBody();
  assert.equal(await failure(sigOf(raw), o), null);
  assert.equal(await failure(sigOf(raw), o), 'replayed');
});

test('a released token (its request could not be recorded) may come again, as the provider\'s retry', async () => {
  const o = setup();
  const sig = sigOf(signedBody())!;
  assert.equal(await failure(sig, o), null);
  o.replay.release(`mailgun:${sig.token}`);
  assert.equal(await failure(sig, o), null);
});

test('a forged request does not use up the token of a real one', async () => {
  const o = setup();
  const sig = sigOf(signedBody())!;
  assert.equal(await failure({ ...sig, signature: '0'.repeat(64) }, o), 'bad-signature');
  assert.equal(o.replay.size, 0);
  assert.equal(await failure(sig, o), null);
});

test('a body without a signature object, or with malformed parts, is refused', async () => {
  const o = setup();
  assert.equal(await failure(mailgunSignatureOf({ 'event-data': {} }), o), 'missing');
  const sig = sigOf(signedBody())!;
  assert.equal(await failure({ ...sig, timestamp: 'soon' }, o), 'malformed');
  assert.equal(await failure({ ...sig, signature: 'xyz' }, o), 'malformed');
  assert.equal(await failure({ ...sig, token: 'short' }, o), 'malformed');
});

test('tokens expire from the replay store after their window', () => {
  const store = new MemoryReplayStore();
  assert.equal(store.claim('t', NOW + 1000, NOW), true);
  assert.equal(store.claim('t', NOW + 1000, NOW + 500), false);
  assert.equal(store.claim('t', NOW + 5000, NOW + 2000), true);
});

test('the replay store stays within its bound, forgetting the value nearest expiry first', () => {
  const store = new MemoryReplayStore(3);
  for (const [k, exp] of [['a', 10], ['b', 5], ['c', 20]] as const) store.claim(k, NOW + exp * 1000, NOW);
  store.claim('d', NOW + 30_000, NOW);
  assert.equal(store.size, 3);
  assert.equal(store.claim('b', NOW + 5000, NOW), true, 'b expired soonest and was forgotten');
  assert.equal(store.claim('c', NOW + 20_000, NOW), false);
});

test('arbitrary signature objects never make the check throw', async () => {
  const o = setup();
  await fc.assert(fc.asyncProperty(fc.record({ timestamp: fc.string(), token: fc.string(), signature: fc.string() }), async (sig) => {
    assert.equal((await verifyMailgunSignature(sig, o)).ok, false);
  }), { numRuns: 300 });
  fc.assert(fc.property(fc.jsonValue(), (v) => {
    const s = mailgunSignatureOf(v);
    assert.ok(s === null || typeof s.token === 'string');
  }));
});
