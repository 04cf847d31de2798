import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeWebhook } from '../../src/webhooks/index.ts';
import { asEvent, fixture, normalizeFixture, onlyEvent, options } from './helpers/fixtures.ts';

test('a Postmark HardBounce with a 550 5.1.1 reply is a hard bounce, keeping every digit of its 64-bit ID', () => {
  const e = onlyEvent(normalizeFixture('postmark', 'postmark/bounce-hard.json'));
  assert.equal(e.providerType, 'Bounce/HardBounce');
  assert.equal(e.event.eventId, 'postmark:bounce:4323372036854775807');
  assert.equal(e.event.deliveryId, 'dlv_pm_01', 'Metadata.rebound_delivery_id names the delivery');
  assert.equal(e.event.originalMessageId, '883953f4-6105-42a2-a16a-77a8eac79483');
  const c = e.event.classification;
  assert.deepEqual([c.basic, c.enhanced, c.reason, c.type, c.action], [550, '5.1.1', 'userunknown', 'hard', 'suppress']);
});

test('two Postmark bounces whose IDs differ only past 2^53 keep distinct event ids', () => {
  const a = onlyEvent(normalizeFixture('postmark', 'postmark/bounce-hard.json'));
  const b = onlyEvent(normalizeWebhook('postmark', fixture('postmark/bounce-hard.json').replace('4323372036854775807', '4323372036854775806'), options()));
  assert.notEqual(a.event.eventId, b.event.eventId);
});

test('a Postmark SoftBounce with an over-quota 452 is a soft bounce to retry', () => {
  const e = onlyEvent(normalizeFixture('postmark', 'postmark/bounce-soft.json'));
  assert.equal(e.outcome, 'bounced');
  const c = e.event.classification;
  assert.deepEqual([c.class, c.reason, c.action], ['transient', 'mailboxfull', 'retry']);
});

test('a Postmark Transient bounce with 451 4.3.2 is a delay Postmark keeps retrying', () => {
  const e = onlyEvent(normalizeFixture('postmark', 'postmark/bounce-transient.json'));
  assert.equal(e.outcome, 'delayed');
  assert.equal(e.espRetrying, true);
  assert.equal(e.event.classification.reason, 'notaccept');
  assert.equal(e.event.classification.class, 'transient');
});

test('a Postmark DnsError with no reply text takes the class and reason of its Type: a transient network error', () => {
  const e = onlyEvent(normalizeFixture('postmark', 'postmark/bounce-dns-error.json'));
  const c = e.event.classification;
  assert.deepEqual([c.class, c.reason, c.retryable], ['transient', 'networkerror', true]);
  assert.match(c.rule, /^webhook\/postmark\/dnserror\+/);
});

test('a Postmark SpamNotification is a permanent spam block the sender must fix', () => {
  const c = onlyEvent(normalizeFixture('postmark', 'postmark/bounce-spam-notification.json')).event.classification;
  assert.deepEqual([c.class, c.reason, c.type, c.action], ['permanent', 'spamdetected', 'block', 'fix-sender']);
});

test('a Postmark AutoResponder is an auto-reply, not a failure', () => {
  const e = onlyEvent(normalizeFixture('postmark', 'postmark/bounce-auto-responder.json'));
  assert.equal(e.outcome, 'auto-replied');
  assert.equal(e.event.classification.reason, 'vacation');
  assert.equal(e.event.classification.retryable, false);
});

test('a Postmark Unsubscribe bounce type is counted as ignored', () => {
  assert.equal(normalizeFixture('postmark', 'postmark/bounce-unsubscribe.json').counts.ignored, 1);
});

test('a Postmark bounce Type Rebound does not know is kept as unknown', () => {
  const r = normalizeFixture('postmark', 'postmark/bounce-future-type.json').results[0]!;
  assert.equal(r.kind, 'unknown');
  assert.equal(r.kind === 'unknown' && r.providerType, 'Bounce/Teleported');
});

test('a Postmark Delivery is a success keyed by message and recipient', () => {
  const e = onlyEvent(normalizeFixture('postmark', 'postmark/delivery.json'));
  assert.equal(e.outcome, 'delivered');
  assert.equal(e.event.classification.class, 'success');
  assert.equal(e.event.eventId, 'postmark:delivery:883953f4-6105-42a2-a16a-77a8eac79483:jane@example.org');
  assert.equal(e.reportedAt, Date.parse('2026-01-05T13:00:00Z'));
});

test('a Postmark SpamComplaint is a feedback event', () => {
  const e = asEvent(normalizeFixture('postmark', 'postmark/spam-complaint.json').results[0]);
  assert.equal(e.outcome, 'complained');
  assert.equal(e.event.classification.reason, 'feedback');
});

test('a Postmark Open is counted as ignored', () => {
  assert.equal(normalizeFixture('postmark', 'postmark/open.json').counts.ignored, 1);
});
