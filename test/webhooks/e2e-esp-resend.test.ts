import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classify } from '../../src/classify/index.ts';
import { TestClock } from '../../src/engine/clock.ts';
import { Engine } from '../../src/engine/engine.ts';
import { Scheduler } from '../../src/engine/scheduler.ts';
import type { Transport } from '../../src/engine/transport.ts';
import { openMetrics } from '../../src/metrics/index.ts';
import { seededRandom } from '../../src/policy/schedule.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { SqliteWebhookStore } from '../../src/store/sqlite/sqlite-webhook-store.ts';
import { dedupeBatch, normalizeWebhook, verify } from '../../src/webhooks/index.ts';
import { OutgoingDispatcher } from '../../src/webhooks/outgoing/dispatcher.ts';
import { fetchPoster } from '../../src/webhooks/outgoing/http-post.ts';
import { ResendTransport, RoutingTransport, submitForEsp } from '../../src/webhooks/resend/index.ts';
import { startReceiver } from './helpers/http-receiver.ts';

const HOUR = 3_600_000;
const RESEND_SECRET = 'resend-secret-0123456789';
const EVENTS_SECRET = 'events-secret-0123456789';

/** Our own SMTP is not part of this story: a delivery at an ESP must never reach it. */
const noSmtp: Transport = {
  deliver: async (jobs) => {
    throw new Error(`SMTP was asked to deliver ${jobs.map((j) => j.recipient).join(', ')}`);
  },
  close: async () => {},
};

// The proof: SendGrid defers one recipient with "451 4.3.2" over simulated hours; the
// seed's schedule calls the sender's resend hook at +1 h and then +4 h; a delivered event closes
// it. Real SQLite file, real HTTP receivers on 127.0.0.1, a TestClock, the real scheduler.
test('SendGrid 4.3.2 deferrals drive the resend hook at +1 h and +4 h, and a delivered event closes the delivery', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-e2e-esp-'));
  const store = new SqliteStore(join(dir, 'rebound.db'), { durability: 'normal' });
  const state = new SqliteWebhookStore(store.db);
  const sender = await startReceiver(() => ({ status: 202, body: 'queued at SendGrid' }));
  const events = await startReceiver();
  t.after(async () => {
    await sender.close();
    await events.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const clock = new TestClock();
  const engine = new Engine({ store, clock, random: seededRandom(5) });
  const post = fetchPoster(5_000);
  const resend = new ResendTransport({ store, targets: state, secret: RESEND_SECRET, classify: (text) => classify(text), clock, wallClock: () => clock.now(), post });
  const scheduler = new Scheduler({ engine, transport: new RoutingTransport(noSmtp, resend), onError: (err) => assert.fail(err) });
  const dispatcher = new OutgoingDispatcher({ store, state, clock, wallClock: () => clock.now(), endpoints: [{ url: events.url('/events'), secret: EVENTS_SECRET, types: ['delivery.*'] }], post });

  let sgId = 0;
  const sendgrid = async (event: Record<string, unknown>) => {
    const body = JSON.stringify([{ email: 'jane@example.org', timestamp: Math.floor(clock.now() / 1000), sg_event_id: `sg-${++sgId}`, rebound_delivery_id: deliveryId, ...event }]);
    const { unique } = dedupeBatch(normalizeWebhook('sendgrid', body, { classify: (text) => classify(text), now: () => clock.now() }).results);
    assert.equal(unique.length, 1);
    return engine.applyBounceEvent(unique[0]!.event);
  };

  const start = clock.now();
  const submitted = await submitForEsp(engine, state, { from: 'news@sender.example', raw: 'Subject: hi\r\n\r\nhello\r\n', originalMessageId: '<n-42@sender.example>' }, ['jane@example.org'], sender.url('/resend'));
  const deliveryId = submitted.deliveries[0]!.id;
  await scheduler.runOnce();
  assert.equal(sender.received.length, 0, 'attempt 1 is the ESP\'s own send: no POST');

  // SendGrid: deferred, 451 4.3.2, a few minutes after the send.
  clock.advance(5 * 60_000);
  const firstDeferral = clock.now();
  await sendgrid({ event: 'deferred', response: '451 4.3.2 System not accepting network messages', attempt: '1' });
  let d = (await store.getDelivery(deliveryId))!;
  assert.equal(d.status, 'deferred');
  assert.equal(d.nextAttemptAt, firstDeferral + 1 * HOUR, 'the seed schedule: first retry after 1 h');

  clock.set(firstDeferral + HOUR - 1);
  await scheduler.runOnce();
  assert.equal(sender.received.length, 0, 'not a millisecond early');
  clock.set(firstDeferral + HOUR);
  await scheduler.runOnce();
  assert.equal(sender.received.length, 1, 'the resend hook is called at +1 h');
  const firstPost = sender.received[0]!;
  assert.deepEqual(JSON.parse(firstPost.body), { deliveryId, recipient: 'jane@example.org', attempt: 2, reason: 'notaccept', originalMessageId: '<n-42@sender.example>' });
  assert.equal(verify(firstPost.headers['rebound-signature'] as string, firstPost.body, RESEND_SECRET, { now: () => clock.now() }).ok, true);
  assert.equal((await store.getDelivery(deliveryId))!.status, 'delivered', '2xx: handed back to the ESP');

  // SendGrid defers the resent message again.
  clock.advance(10 * 60_000);
  const secondDeferral = clock.now();
  await sendgrid({ event: 'deferred', response: '451 4.3.2 System not accepting network messages', attempt: '1' });
  d = (await store.getDelivery(deliveryId))!;
  assert.equal(d.status, 'deferred', 'the ESP\'s deferral reopens what the hook handed over');
  assert.equal(d.attempts, 2, 'the deferral is the outcome of attempt 2, not an extra attempt');
  assert.equal(d.nextAttemptAt, secondDeferral + 4 * HOUR, 'the seed schedule: second retry after 4 h');

  clock.set(secondDeferral + 4 * HOUR - 1);
  await scheduler.runOnce();
  assert.equal(sender.received.length, 1);
  clock.set(secondDeferral + 4 * HOUR);
  await scheduler.runOnce();
  assert.equal(sender.received.length, 2, 'the resend hook is called at +4 h');
  assert.equal(JSON.parse(sender.received[1]!.body).attempt, 3);

  // SendGrid: delivered. The delivery is closed: a stray late deferral no longer reopens it.
  clock.advance(2 * 60_000);
  await sendgrid({ event: 'delivered', response: '250 2.0.0 OK' });
  d = (await store.getDelivery(deliveryId))!;
  assert.equal(d.status, 'delivered');
  assert.equal(d.rule, null);
  await sendgrid({ event: 'deferred', response: '451 4.3.2 System not accepting network messages', attempt: '2' });
  assert.equal((await store.getDelivery(deliveryId))!.status, 'delivered');

  const attempts = await store.listAttempts(deliveryId);
  assert.deepEqual(attempts.map((a) => [a.n, a.source, a.enhanced]), [
    [1, 'resend', '2.0.0'], // handed to the ESP at submission
    [1, 'webhook', '4.3.2'], // SendGrid deferred it
    [2, 'resend', '2.0.0'], // +1 h: the hook took it back to SendGrid
    [2, 'webhook', '4.3.2'], // deferred again
    [3, 'resend', '2.0.0'], // +4 h
    [3, 'webhook', '2.0.0'], // delivered
    [3, 'webhook', '4.3.2'], // the stray late report, logged only
  ]);
  assert.ok(clock.now() - start > 5 * HOUR, `${(clock.now() - start) / HOUR} simulated hours`);

  // Every step went out as a signed event to the configured endpoint.
  await dispatcher.runOnce();
  const types = events.received.map((r) => JSON.parse(r.body).type);
  assert.deepEqual(types.filter((x: string) => x === 'delivery.deferred').length, 2);
  assert.ok(types.includes('delivery.delivered'));
  for (const r of events.received) assert.equal(verify(r.headers['rebound-signature'] as string, r.body, EVENTS_SECRET, { now: () => clock.now() }).ok, true);

  // The metrics count it: two 4.3.2 deferrals, one deferred delivery that ended delivered.
  const metrics = openMetrics(store, { clock, timeZone: 'UTC' });
  const summary = await metrics.summary({ from: start, to: clock.now() + 1 });
  assert.equal(summary.deferrals.total, 2);
  assert.equal(summary.deferrals.byEnhanced['4.3.2'], 2);
  assert.equal(summary.retrySuccess.deferred, 1);
  assert.equal(summary.retrySuccess.delivered, 1);
  assert.equal(summary.retrySuccess.rate, 1);
});
