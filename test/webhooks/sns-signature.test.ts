import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isTrustedCertUrl, normalizeWebhook, SnsCertCache, snsStringToSign, verifySnsMessage } from '../../src/webhooks/index.ts';
import type { CertFetcher } from '../../src/webhooks/index.ts';
import { fixture, options } from './helpers/fixtures.ts';
import { makeSnsSigner } from './helpers/sns-signer.ts';

const signer = makeSnsSigner();
const CERT_URL = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem';
// the clock sits inside the test certificate's validity, wherever the test runs
const NOW = Date.parse(signer.cert.validFrom) + 60 * 60 * 1000;

function fetcher(): CertFetcher & { calls: string[] } {
  const calls: string[] = [];
  const f = async (url: string) => {
    calls.push(url);
    if (url !== CERT_URL) throw new Error(`404 ${url}`);
    return signer.certPem;
  };
  return Object.assign(f, { calls });
}

function setup(now = NOW) {
  const fetch = fetcher();
  const certs = new SnsCertCache({ fetch, now: () => now });
  return { fetch, certs, opts: { certs, now: () => now } };
}

function notification(at = NOW - 60_000, extra: Record<string, string> = {}): Record<string, string> {
  const env = JSON.parse(fixture('ses/delivery-delay.json')) as Record<string, string>;
  return { ...env, Timestamp: new Date(at).toISOString(), SigningCertURL: CERT_URL, ...extra };
}

test('a Notification signed with SignatureVersion 2 (SHA-256) verifies', async () => {
  const { opts } = setup();
  assert.deepEqual(await verifySnsMessage(signer.sign(notification(), '2'), opts), { ok: true });
});

test('a Notification signed with SignatureVersion 1 (SHA-1) verifies', async () => {
  const { opts } = setup();
  assert.deepEqual(await verifySnsMessage(signer.sign(notification(), '1'), opts), { ok: true });
});

test('a Notification with a Subject is signed over the Subject too', async () => {
  const { opts } = setup();
  const m = signer.sign(notification(NOW - 1000, { Subject: 'Amazon SES Email Event Notification' }));
  assert.match(snsStringToSign(m)!, /\nSubject\nAmazon SES Email Event Notification\n/);
  assert.deepEqual(await verifySnsMessage(m, opts), { ok: true });
  assert.equal((await verifySnsMessage({ ...m, Subject: 'changed' }, opts)).ok, false);
});

test('a SubscriptionConfirmation is signed over its own keys (SubscribeURL, Token) and verifies', async () => {
  const { opts } = setup();
  const env = { ...(JSON.parse(fixture('ses/subscription-confirmation.json')) as Record<string, string>), Timestamp: new Date(NOW - 1000).toISOString(), SigningCertURL: CERT_URL };
  const m = signer.sign(env);
  assert.match(snsStringToSign(m)!, /^Message\n[^]*\nSubscribeURL\n[^]*\nToken\n[^]*\nType\nSubscriptionConfirmation\n$/);
  assert.deepEqual(await verifySnsMessage(m, opts), { ok: true });
  const forged = { ...m, SubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=evil' };
  assert.equal((await verifySnsMessage(forged, opts)).ok, false);
});

test('a changed Message is a bad signature', async () => {
  const { opts } = setup();
  const m = signer.sign(notification());
  const r = await verifySnsMessage({ ...m, Message: m.Message!.replace('4.3.2', '2.0.0') }, opts);
  assert.deepEqual(r.ok ? null : r.failure, 'bad-signature');
});

test('a message signed by another key is a bad signature', async () => {
  const { opts } = setup();
  const other = makeSnsSigner();
  const r = await verifySnsMessage(other.sign(notification()), opts);
  assert.equal(r.ok ? null : r.failure, 'bad-signature');
});

test('a message older than the window is expired, and so is one from far in the future', async () => {
  const { opts } = setup();
  const old = await verifySnsMessage(signer.sign(notification(NOW - 2 * 60 * 60 * 1000)), opts);
  assert.equal(old.ok ? null : old.failure, 'expired');
  const future = await verifySnsMessage(signer.sign(notification(NOW + 60 * 60 * 1000)), opts);
  assert.equal(future.ok ? null : future.failure, 'expired');
});

test('a message checked after its signing certificate expired is refused as expired', async () => {
  const after = Date.parse(signer.cert.validTo) + 24 * 60 * 60 * 1000;
  const { opts } = setup(after);
  const r = await verifySnsMessage(signer.sign(notification(after - 60_000)), opts);
  assert.equal(r.ok ? null : r.failure, 'expired');
  assert.match(r.ok ? '' : r.detail, /signing certificate/);
});

test('a SigningCertURL outside https://sns.<region>.amazonaws.com/….pem is refused before anything is fetched', async () => {
  const { opts, fetch } = setup();
  for (const url of [
    'http://sns.us-east-1.amazonaws.com/cert.pem',
    'https://sns.us-east-1.amazonaws.com.evil.example/cert.pem',
    'https://evil.example/sns.us-east-1.amazonaws.com/cert.pem',
    'https://sns.us-east-1.amazonaws.com:8443/cert.pem',
    'https://user@sns.us-east-1.amazonaws.com/cert.pem',
    'https://sns.us-east-1.amazonaws.com/cert.txt',
    'https://sns.us-east-1.amazonaws.com/cert.pem?x=1',
    'https://s3.amazonaws.com/cert.pem',
  ]) {
    const r = await verifySnsMessage(signer.sign(notification(NOW - 1000, { SigningCertURL: url })), opts);
    assert.equal(r.ok ? null : r.failure, 'untrusted-cert-url', url);
  }
  assert.deepEqual(fetch.calls, []);
  assert.ok(isTrustedCertUrl('https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-x.pem'));
});

test('a replayed message inside the window still verifies: its event ids make applying it twice a no-op', async () => {
  const { opts } = setup();
  const m = signer.sign(notification());
  assert.ok((await verifySnsMessage(m, opts)).ok);
  assert.ok((await verifySnsMessage(m, opts)).ok);
  const first = normalizeWebhook('ses', JSON.stringify(m), options());
  const again = normalizeWebhook('ses', JSON.stringify(m), options());
  assert.deepEqual(again.results.map((r) => r.kind === 'event' && r.event.eventId), first.results.map((r) => r.kind === 'event' && r.event.eventId));
});

test('an unsupported SignatureVersion, a missing signature, a non-base64 signature and an unlisted topic are refused', async () => {
  const { opts } = setup();
  const m = signer.sign(notification());
  const failure = async (x: unknown, o: Parameters<typeof verifySnsMessage>[1] = opts) => {
    const r = await verifySnsMessage(x, o);
    return r.ok ? null : r.failure;
  };
  assert.equal(await failure({ ...m, SignatureVersion: '3' }), 'unsupported');
  assert.equal(await failure({ ...m, Signature: '' }), 'missing');
  assert.equal(await failure({ ...m, Signature: 'not base64!' }), 'malformed');
  assert.equal(await failure({ ...m, Message: 42 }), 'malformed');
  assert.equal(await failure('a string'), 'malformed');
  assert.equal(await failure(m, { ...opts, topicArns: ['arn:aws:sns:us-east-1:123456789012:other'] }), 'topic-not-allowed');
  assert.equal(await failure(m, { ...opts, topicArns: ['arn:aws:sns:us-east-1:123456789012:ses-events'] }), null);
});

test('the certificate is fetched once and then served from the cache until its time is up', async () => {
  let now = NOW;
  const fetch = fetcher();
  const certs = new SnsCertCache({ fetch, now: () => now, ttlMs: 60_000 });
  const opts = { certs, now: () => now };
  await Promise.all([verifySnsMessage(signer.sign(notification()), opts), verifySnsMessage(signer.sign(notification()), opts)]);
  await verifySnsMessage(signer.sign(notification()), opts);
  assert.equal(fetch.calls.length, 1, 'concurrent and later messages share one fetch');
  now += 61_000;
  assert.ok((await verifySnsMessage(signer.sign(notification(now - 1000)), opts)).ok);
  assert.equal(fetch.calls.length, 2);
});

test('a failed certificate fetch is refused as cert-unavailable and is not cached', async () => {
  let fail = true;
  const calls: string[] = [];
  const certs = new SnsCertCache({ fetch: async (url) => { calls.push(url); if (fail) throw new Error('connection reset'); return signer.certPem; }, now: () => NOW });
  const opts = { certs, now: () => NOW };
  const r = await verifySnsMessage(signer.sign(notification()), opts);
  assert.equal(r.ok ? null : r.failure, 'cert-unavailable');
  fail = false;
  assert.ok((await verifySnsMessage(signer.sign(notification()), opts)).ok);
  assert.equal(calls.length, 2);
  const junk = new SnsCertCache({ fetch: async () => 'not a certificate', now: () => NOW });
  const j = await verifySnsMessage(signer.sign(notification()), { certs: junk, now: () => NOW });
  assert.equal(j.ok ? null : j.failure, 'cert-unavailable');
});

test('arbitrary JSON never makes the SNS check throw or fetch from a host outside the pattern', async () => {
  const { opts, fetch } = setup();
  await fc.assert(fc.asyncProperty(fc.jsonValue(), fc.dictionary(fc.constantFrom('Type', 'Signature', 'SignatureVersion', 'SigningCertURL', 'Timestamp', 'Message', 'MessageId', 'TopicArn'), fc.oneof(fc.string(), fc.webUrl())), async (junk, fields) => {
    const r1 = await verifySnsMessage(junk, opts);
    const r2 = await verifySnsMessage({ ...(typeof junk === 'object' && junk !== null && !Array.isArray(junk) ? junk : {}), ...fields }, opts);
    assert.equal(typeof r1.ok, 'boolean');
    assert.equal(typeof r2.ok, 'boolean');
  }), { numRuns: 300 });
  assert.ok(fetch.calls.every((u) => isTrustedCertUrl(u)));
});
