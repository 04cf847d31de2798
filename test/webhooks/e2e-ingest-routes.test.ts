import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify } from '../../src/classify/index.ts';
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { createClassifier } from '../../src/classify/index.ts';
import { TestClock } from '../../src/engine/clock.ts';
import { Engine } from '../../src/engine/engine.ts';
import { seededRandom } from '../../src/policy/schedule.ts';
import { installErrorHandler } from '../../src/server/api-error.ts';
import { isSnsConfirmUrl, registerWebhookIngest, type WebhookIngest } from '../../src/server/routes/webhooks-ingest.ts';
import { WEBHOOK_TOKEN_HEADER } from '../../src/server/routes/webhooks-verify.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { SqliteWebhookStore } from '../../src/store/sqlite/sqlite-webhook-store.ts';
import { MemoryReplayStore, SnsCertCache, SENDGRID_SIGNATURE_HEADER, SENDGRID_TIMESTAMP_HEADER } from '../../src/webhooks/index.ts';
import { makeSnsSigner } from './helpers/sns-signer.ts';

const sg = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const MAILGUN_KEY = 'mailgun-signing-key-0123456789';
const CERT_URL = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem';
const snsSigner = makeSnsSigner();
const fixtures = new URL('../fixtures/webhooks/', import.meta.url);

// The ingest route on a real socket (fastify listening on 127.0.0.1), the real engine on a real
// SQLite file, a TestClock; requests signed with keys the test generates.
async function setup(t: { after: (fn: () => Promise<void>) => void }, overrides: Partial<WebhookIngest> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-ingest-'));
  const store = new SqliteStore(join(dir, 'rebound.db'), { durability: 'normal' });
  const state = new SqliteWebhookStore(store.db);
  const clock = new TestClock(Date.UTC(2026, 0, 5, 9, 1, 0));
  const engine = new Engine({ store, clock, random: seededRandom(1) });
  const confirmed: string[] = [];
  const replay = new MemoryReplayStore();
  const webhooks: WebhookIngest = {
    state,
    secrets: {
      sendgrid: { publicKey: sg.publicKey },
      mailgun: { signingKey: MAILGUN_KEY, replay },
      postmark: { basic: [{ username: 'rebound', password: 'pm-pass-0123456789' }], tokens: ['pm-token-0123456789'] },
      ses: { certs: new SnsCertCache({ fetch: async () => snsSigner.certPem, now: () => clock.now() }) },
    },
    confirmSubscription: async (url) => { confirmed.push(url); },
    ...overrides,
  };
  const app = Fastify();
  installErrorHandler(app);
  await registerWebhookIngest(app, { engine, classifier: createClassifier(), bodyLimit: 1 << 20, webhooks, wallClock: () => engine.clock.now() });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  t.after(async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const post = (provider: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${address}/v1/webhooks/${provider}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return { store, state, clock, engine, post, confirmed, replay };
}

function sendgridHeaders(body: string, clock: TestClock, key = sg.privateKey): Record<string, string> {
  const timestamp = String(Math.floor(clock.now() / 1000));
  return {
    [SENDGRID_TIMESTAMP_HEADER]: timestamp,
    [SENDGRID_SIGNATURE_HEADER]: sign('sha256', Buffer.concat([Buffer.from(timestamp), Buffer.from(body)]), key).toString('base64'),
  };
}

function mailgunBody(clock: TestClock, token: string, key = MAILGUN_KEY): string {
  const body = JSON.parse(readFileSync(new URL('mailgun/failed-temporary.json', fixtures), 'utf8'));
  const timestamp = String(Math.floor(clock.now() / 1000));
  body.signature = { timestamp, token, signature: createHmac('sha256', key).update(timestamp + token).digest('hex') };
  return JSON.stringify(body);
}

const deferred = (id: string, deliveryId: string) => ({
  event: 'deferred', email: 'jane@example.org', timestamp: 1767603660, sg_event_id: id, response: '451 4.3.2 System not accepting network messages', attempt: '1', rebound_delivery_id: deliveryId,
});

test('a spam report already counted from the ARF copy is received and counted unchanged, not applied again', async (t) => {
  const { store, engine, clock, post } = await setup(t);
  const { deliveries: [d] } = await engine.submit({ from: 'news@sender.example', raw: 'Subject: hi\r\n\r\nhello\r\n' }, ['jane@example.org']);
  await engine.recordOutcome(d!.id, { deliveryId: d!.id, attemptId: 'a1', at: clock.now(), destination: 'mx', phase: 'data', response: '250 ok', classification: classify('250 2.0.0 ok'), durationMs: 1 });
  await engine.applyBounceEvent({
    source: 'dsn', provider: null, eventId: '<arf-1@isp>', recipient: 'jane@example.org', deliveryId: d!.id, originalMessageId: null,
    at: clock.now(), destination: null, response: '', classification: { ...classify(''), reason: 'feedback', class: null }, feedbackType: 'abuse',
  });
  const body = JSON.stringify([{ event: 'spamreport', email: 'jane@example.org', timestamp: 1767603660, sg_event_id: 'sg-spam-1', rebound_delivery_id: d!.id }]);
  const summary = await (await post('sendgrid', body, sendgridHeaders(body, clock))).json();
  assert.deepEqual([summary.received, summary.applied, summary.unchanged], [1, 0, 1]);
  assert.equal((await store.listEvents(0, 100)).filter((e) => e.type === 'delivery.complained').length, 1);
});

test('a signed SendGrid batch is applied once, and its redelivery applies nothing', async (t) => {
  const { store, engine, clock, post } = await setup(t);
  const { deliveries: [d] } = await engine.submit({ from: 'news@sender.example', raw: 'Subject: hi\r\n\r\nhello\r\n' }, ['jane@example.org']);
  const body = JSON.stringify([deferred('sg-1', d!.id), deferred('sg-1', d!.id), { event: 'group_resubscribe', email: 'x@example.org', sg_event_id: 'sg-2', timestamp: 1767603660 }]);

  const first = await post('sendgrid', body, sendgridHeaders(body, clock));
  assert.equal(first.status, 200);
  const summary = await first.json();
  assert.equal(summary.applied, 1);
  assert.equal(summary.duplicates, 1, 'the repeat inside the batch');
  assert.equal((await store.getDelivery(d!.id))!.status, 'deferred');
  const events = (await store.listEvents(0, 100)).length;

  const again = await (await post('sendgrid', body, sendgridHeaders(body, clock))).json();
  assert.equal(again.applied, 0);
  assert.equal(again.duplicates, 2, 'the redelivered event is refused by its stored id');
  assert.equal(again.received, again.applied + again.duplicates + again.unchanged + again.unknown + again.ignored + again.confirmed, 'each event counted once');
  assert.equal((await store.listEvents(0, 100)).length, events);
});

test('a bad SendGrid signature is a 401 and nothing is recorded', async (t) => {
  const { store, state, engine, clock, post } = await setup(t);
  const { deliveries: [d] } = await engine.submit({ from: 'news@sender.example', raw: 'Subject: hi\r\n\r\nhello\r\n' }, ['jane@example.org']);
  const body = JSON.stringify([deferred('sg-9', d!.id)]);
  const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
  const before = (await store.listEvents(0, 100)).length;
  for (const headers of [sendgridHeaders(body, clock, other), {}, sendgridHeaders(body.replace('4.3.2', '2.0.0'), clock)]) {
    const res = await post('sendgrid', body, headers);
    assert.equal(res.status, 401);
    assert.match((await res.json()).error, /webhook refused/);
  }
  assert.equal((await store.getDelivery(d!.id))!.status, 'queued');
  assert.equal((await store.listEvents(0, 100)).length, before);
  assert.equal(await state.claimIngestKey('sendgrid', 'sg-9', clock.now()), true, 'the refused event id was never stored');
});

test('an ESP batch larger than the API body limit (1 MiB here) is taken, up to the 10 MiB the normalizer reads', async (t) => {
  const { clock, post } = await setup(t);
  const events = Array.from({ length: 12_000 }, (_, i) => ({ event: 'open', email: `r${i}@example.org`, sg_event_id: `big-${i}`, timestamp: 1767603660, useragent: 'x'.repeat(200) }));
  const body = JSON.stringify(events);
  assert.ok(body.length > 3_000_000);
  const res = await post('sendgrid', body, sendgridHeaders(body, clock));
  assert.equal(res.status, 200);
  assert.equal((await res.json()).ignored, 12_000);
  const huge = JSON.stringify([{ event: 'open', email: 'a@example.org', sg_event_id: 'h', timestamp: 1767603660, useragent: 'x'.repeat(11 * 1024 * 1024) }]);
  const refused = await post('sendgrid', huge, sendgridHeaders(huge, clock));
  assert.equal(refused.status, 413);
  assert.match((await refused.json()).error, /larger than the limit/);
});

test('unknown event types are kept and counted, not dropped silently', async (t) => {
  const { state, clock, post } = await setup(t);
  const body = JSON.stringify([{ event: 'teleported', email: 'a@example.org', sg_event_id: 'u-1', timestamp: 1767603660 }, { event: 'teleported', email: 'b@example.org', sg_event_id: 'u-2', timestamp: 1767603660 }]);
  const res = await (await post('sendgrid', body, sendgridHeaders(body, clock))).json();
  assert.equal(res.unknown, 2);
  const counts = await state.listUnknownEvents();
  assert.deepEqual(counts.map((c) => [c.provider, c.providerType, c.count]), [['sendgrid', 'teleported', 2]]);
});

test('Mailgun: a verified request that cannot be recorded gives its token back, so Mailgun\'s retry is applied', async (t) => {
  const { store, clock, post, replay } = await setup(t);
  const body = mailgunBody(clock, 'token-aaaaaaaaaaaaaaaaaaaaaaaa');
  const realDb = store.db;
  // Recording fails: the database is read-only for this one request.
  realDb.pragma('query_only = ON');
  const failed = await post('mailgun', body);
  assert.equal(failed.status, 500);
  realDb.pragma('query_only = OFF');
  assert.equal(replay.size, 0, 'the token was released');
  const retried = await post('mailgun', body);
  assert.equal(retried.status, 200);
  assert.equal((await retried.json()).applied, 1);
  const replayed = await post('mailgun', body);
  assert.equal(replayed.status, 401, 'after success the same token is a replay');
});

test('Postmark with a wrong token or password is refused; the right one is accepted', async (t) => {
  const { post } = await setup(t);
  const body = readFileSync(new URL('postmark/bounce-soft.json', fixtures), 'utf8');
  assert.equal((await post('postmark', body, { [WEBHOOK_TOKEN_HEADER]: 'wrong-token-0123456789' })).status, 401);
  assert.equal((await post('postmark', body, { authorization: `Basic ${Buffer.from('rebound:nope').toString('base64')}` })).status, 401);
  assert.equal((await post('postmark', body, { [WEBHOOK_TOKEN_HEADER]: 'pm-token-0123456789' })).status, 200);
  assert.equal((await post('postmark', body, { authorization: `Basic ${Buffer.from('rebound:pm-pass-0123456789').toString('base64')}` })).status, 200);
});

test('a provider without configuration is a 404; an unreadable body after a good secret is a 400', async (t) => {
  const { post } = await setup(t);
  assert.equal((await post('sparkpost', '[]')).status, 404);
  assert.equal((await post('hotmail', '[]')).status, 404);
  assert.equal((await post('postmark', '{"broken', { [WEBHOOK_TOKEN_HEADER]: 'pm-token-0123456789' })).status, 400);
});

test('an SNS SubscriptionConfirmation is confirmed by fetching its SubscribeURL, only from SNS\'s own host', async (t) => {
  const { post, clock, confirmed } = await setup(t);
  clock.set(Date.now()); // the test certificate is valid from the moment openssl made it
  const env = JSON.parse(readFileSync(new URL('ses/subscription-confirmation.json', fixtures), 'utf8')) as Record<string, string>;
  const good = snsSigner.sign({ ...env, Timestamp: new Date(clock.now() - 1000).toISOString(), SigningCertURL: CERT_URL });
  const res = await post('ses', JSON.stringify(good), { 'content-type': 'text/plain' });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).confirmed, 1);
  assert.deepEqual(confirmed, [good.SubscribeURL]);

  const evil = snsSigner.sign({ ...env, SubscribeURL: 'https://attacker.example/?Action=ConfirmSubscription', Timestamp: new Date(clock.now() - 1000).toISOString(), SigningCertURL: CERT_URL });
  assert.equal((await post('ses', JSON.stringify(evil))).status, 400);
  assert.equal(confirmed.length, 1, 'a SubscribeURL off SNS is never fetched');
  const unsigned = { ...good, Signature: 'AAAA' };
  assert.equal((await post('ses', JSON.stringify(unsigned))).status, 401);
  assert.equal(confirmed.length, 1);
});

test('an SNS certificate that cannot be fetched is a 503 with Retry-After (SNS retries only server errors), and nothing is recorded', async (t) => {
  let up = false;
  const clock = new TestClock(Date.now());
  // the certificate's host is unreachable until `up`
  const down = await setup(t, {
    secrets: { ses: { certs: new SnsCertCache({ fetch: async () => { if (!up) throw new Error('connect ETIMEDOUT'); return snsSigner.certPem; }, now: () => clock.now() }) } },
  });
  down.clock.set(Date.now());
  const env = JSON.parse(readFileSync(new URL('ses/subscription-confirmation.json', fixtures), 'utf8')) as Record<string, string>;
  const msg = snsSigner.sign({ ...env, Timestamp: new Date(down.clock.now() - 1000).toISOString(), SigningCertURL: CERT_URL });
  const res = await down.post('ses', JSON.stringify(msg), { 'content-type': 'text/plain' });
  assert.equal(res.status, 503);
  assert.equal(res.headers.get('retry-after'), '60');
  const body = await res.json();
  assert.match(body.error, /could not be fetched.*nothing was recorded/);
  assert.equal(body.details.failure, 'cert-unavailable');
  assert.deepEqual(down.confirmed, []);
  up = true;
  const retried = await down.post('ses', JSON.stringify(msg), { 'content-type': 'text/plain' });
  assert.equal(retried.status, 200, 'the retry SNS sends is taken once the certificate can be had');
  assert.equal(down.confirmed.length, 1);
});

test('the SubscribeURL check accepts SNS hosts only, over https, for ConfirmSubscription', () => {
  assert.equal(isSnsConfirmUrl('https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=a&Token=b'), true);
  assert.equal(isSnsConfirmUrl('https://sns.cn-north-1.amazonaws.com.cn/?Action=ConfirmSubscription'), true);
  for (const bad of [
    'http://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription', 'https://sns.eu-west-1.amazonaws.com.evil.example/?Action=ConfirmSubscription',
    'https://user@sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription', 'https://sns.eu-west-1.amazonaws.com:8443/?Action=ConfirmSubscription',
    'https://sns.eu-west-1.amazonaws.com/?Action=Publish', 'not a url', `https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&x=${'a'.repeat(5000)}`,
  ]) assert.equal(isSnsConfirmUrl(bad), false, bad);
});

test('two Postmark bounces whose 64-bit IDs differ only past 2^53 are two events over HTTP, not one and a duplicate', async (t) => {
  const { post } = await setup(t);
  const body = readFileSync(new URL('postmark/bounce-hard.json', fixtures), 'utf8');
  const auth = { [WEBHOOK_TOKEN_HEADER]: 'pm-token-0123456789' };
  const first = await (await post('postmark', body.replace('nobody@example.net', 'one@example.net'), auth)).json();
  const second = await (await post('postmark', body.replace('4323372036854775807', '4323372036854775809').replace('nobody@example.net', 'two@example.net'), auth)).json();
  assert.deepEqual([first.applied, first.duplicates], [1, 0]);
  assert.deepEqual([second.applied, second.duplicates], [1, 0]);
});
