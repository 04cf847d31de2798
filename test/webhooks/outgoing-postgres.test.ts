import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestClock } from '../../src/engine/clock.ts';
import { Engine } from '../../src/engine/engine.ts';
import { seededRandom } from '../../src/policy/schedule.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { PostgresWebhookStore } from '../../src/store/postgres/postgres-webhook-store.ts';
import { OutgoingDispatcher } from '../../src/webhooks/outgoing/dispatcher.ts';
import { fetchPoster } from '../../src/webhooks/outgoing/http-post.ts';
import { verify } from '../../src/webhooks/index.ts';
import { dropSchema, newSchemaName, PG_URL, postgresAvailability } from '../store/contract/factories.ts';
import { startReceiver } from './helpers/http-receiver.ts';

const skip = await postgresAvailability();
const SECRET = 'whsec_0123456789abcdef';

// The same dispatcher on real PostgreSQL (a schema of its own): retries, dead letters and the
// cursor survive a reopen; ingest keys, unknown counts and resend targets round-trip.
test('on PostgreSQL, outgoing events are retried until acknowledged, dead-lettered at the limit, and a reopened store resumes', { skip: skip ?? false }, async (t) => {
  const schema = newSchemaName('rebound_wh');
  const stores: PostgresStore[] = [];
  const open = () => {
    const store = new PostgresStore(PG_URL, { schema });
    stores.push(store);
    return { store, state: new PostgresWebhookStore(store) };
  };
  const ok = await startReceiver((_, n) => (n === 1 ? { status: 500 } : { status: 200 }));
  const broken = await startReceiver(() => ({ status: 502 }));
  t.after(async () => {
    await ok.close();
    await broken.close();
    for (const s of stores) await s.close();
    await dropSchema(schema);
  });
  const clock = new TestClock();
  const { store, state } = open();
  const engine = new Engine({ store, clock, random: seededRandom(4) });
  const endpoints = [{ url: ok.url(), secret: SECRET, types: ['*'] }, { url: broken.url(), secret: SECRET, types: ['address.suppressed'] }];
  const schedule = { kind: 'backoff', initial: 60_000, factor: 2, max: 3_600_000, min: 1_000, jitter: 'none' } as const;
  const dispatcher = (s = state) => new OutgoingDispatcher({ store, state: s, clock, wallClock: () => clock.now(), endpoints, schedule, maxAttempts: 2, post: fetchPoster(5_000) });

  // history from before the endpoints existed is not sent; the cursor starts after it, once
  await engine.suppressAddress('before@example.org');
  await dispatcher().startFromNow();
  await dispatcher().startFromNow();
  await engine.suppressAddress('one@example.org');
  assert.deepEqual(await dispatcher().runOnce(), { enqueued: 2, delivered: 0, retried: 2, dead: 0 });
  clock.advance(60_000);
  assert.deepEqual(await dispatcher().runOnce(), { enqueued: 0, delivered: 1, retried: 0, dead: 1 });
  assert.equal(ok.received.length, 2);
  assert.equal(verify(ok.received[1]!.headers['rebound-signature'] as string, ok.received[1]!.body, SECRET, { now: () => clock.now() }).ok, true);
  const dead = await state.listOutgoing('dead', 10);
  assert.deepEqual(dead.map((d) => [d.endpoint, d.attempts, d.lastError]), [[broken.url(), 2, 'HTTP 502']]);

  await engine.suppressAddress('two@example.org');
  const reopened = open();
  await dispatcher(reopened.state).runOnce();
  assert.deepEqual(ok.received.map((r) => JSON.parse(r.body).recipient), ['one@example.org', 'one@example.org', 'two@example.org']);

  assert.equal(await reopened.state.claimIngestKey('sendgrid', 'ev-1', clock.now()), true);
  assert.equal(await reopened.state.claimIngestKey('sendgrid', 'ev-1', clock.now()), false);
  await reopened.state.releaseIngestKey('sendgrid', 'ev-1');
  assert.equal(await reopened.state.claimIngestKey('sendgrid', 'ev-1', clock.now()), true);
  await reopened.state.countUnknownEvent('sparkpost', 'teleport', 'unknown event type', clock.now());
  await reopened.state.countUnknownEvent('sparkpost', 'teleport', 'unknown event type', clock.now());
  assert.deepEqual((await reopened.state.listUnknownEvents()).map((u) => [u.provider, u.providerType, u.count]), [['sparkpost', 'teleport', 2]]);
  const { messageId } = await engine.submit({ from: 'a@sender.example', raw: 'Subject: x\r\n\r\ny\r\n' }, ['z@example.org']);
  await reopened.state.setResendTarget(messageId, 'https://app.example/resend');
  assert.equal(await reopened.state.getResendTarget(messageId), 'https://app.example/resend');
});

test('two nodes dispatching from one PostgreSQL database post each event once, retries included', { skip: skip ?? false }, async (t) => {
  const schema = newSchemaName('rebound_wh2');
  const a = new PostgresStore(PG_URL, { schema });
  const b = new PostgresStore(PG_URL, { schema });
  // the endpoint fails its first three posts, so retries race too
  const hooks = await startReceiver((_, n) => (n <= 3 ? { status: 500 } : { status: 200 }));
  t.after(async () => {
    await hooks.close();
    await a.close();
    await b.close();
    await dropSchema(schema);
  });
  const clock = new TestClock();
  const engine = new Engine({ store: a, clock, random: seededRandom(5) });
  for (let i = 0; i < 20; i++) await engine.suppressAddress(`gone${i}@example.org`);
  const schedule = { kind: 'backoff', initial: 60_000, factor: 2, max: 3_600_000, min: 1_000, jitter: 'none' } as const;
  const node = (store: PostgresStore) => new OutgoingDispatcher({
    store, state: new PostgresWebhookStore(store), clock, wallClock: () => clock.now(),
    endpoints: [{ url: hooks.url(), secret: SECRET, types: ['*'] }], schedule, maxAttempts: 3, post: fetchPoster(5_000),
  });
  const [one, two] = [node(a), node(b)];
  await Promise.all([one.runOnce(), two.runOnce(), one.runOnce(), two.runOnce()]);
  clock.advance(60_000);
  await Promise.all([one.runOnce(), two.runOnce()]);

  const posted = hooks.received.map((r) => String(r.headers['rebound-event-id']));
  assert.equal(posted.length, 23, 'twenty events, three of them posted twice because they failed once');
  assert.equal(new Set(posted).size, 20);
  const attempts = hooks.received.map((r) => `${r.headers['rebound-event-id']}#${r.headers['rebound-attempt']}`);
  assert.equal(new Set(attempts).size, 23, 'no attempt of any event posted twice');
  const delivered = await new PostgresWebhookStore(a).listOutgoing('delivered', 100);
  assert.equal(delivered.length, 20);
  assert.equal(delivered.filter((d) => d.attempts === 2).length, 3, 'the failed tries are on record');
});
