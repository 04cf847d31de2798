import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestClock } from '../../src/engine/clock.ts';
import { asEvent, fixture, normalizeFixture, onlyEvent, options } from './helpers/fixtures.ts';
import { normalizeWebhook } from '../../src/webhooks/index.ts';
import { complaintKind } from '../../src/engine/address-lifecycle.ts';

test('an SES permanent bounce for an unknown user is a hard bounce that suppresses the address', () => {
  const clock = new TestClock();
  const e = onlyEvent(normalizeFixture('ses', 'ses/bounce-permanent.json', options(clock)));
  assert.equal(e.outcome, 'bounced');
  assert.equal(e.providerType, 'Bounce/Permanent/General');
  assert.equal(e.espRetrying, false);
  assert.equal(e.event.source, 'webhook');
  assert.equal(e.event.provider, 'ses');
  assert.equal(e.event.recipient, 'jane@example.org');
  assert.equal(e.event.eventId, 'ses:bounce:0100019b8f1e2a3b-4c5d6e7f-aaaa-bbbb-cccc-000000000001-000000:jane@example.org');
  assert.equal(e.event.deliveryId, 'dlv_01', 'the X-Rebound-ID header among the original headers names the delivery');
  assert.equal(e.event.originalMessageId, '0100019b8f1e0000-11111111-2222-3333-4444-555555555555-000000');
  assert.equal(e.event.at, clock.now(), 'at is when Rebound learned of it, in engine time');
  assert.equal(e.reportedAt, Date.parse('2026-01-05T09:00:01.000Z'));
  assert.equal(e.event.destination, '192.0.2.25');
  const c = e.event.classification;
  assert.deepEqual([c.basic, c.enhanced, c.class, c.reason, c.type, c.action, c.hardbounce, c.retryable], [550, '5.1.1', 'permanent', 'userunknown', 'hard', 'suppress', true, false]);
});

test('an SES transient bounce gives one event per bounced recipient, each classified from its own reply', () => {
  const batch = normalizeFixture('ses', 'ses/bounce-transient.json');
  assert.equal(batch.counts.event, 2);
  const [a, b] = batch.results.map(asEvent);
  assert.equal(a!.event.recipient, 'max@example.net');
  assert.equal(a!.event.classification.reason, 'mailboxfull');
  assert.equal(a!.event.classification.class, 'permanent', 'the 552 in the reply decides the class, not SES\'s "Transient"');
  assert.equal(b!.event.recipient, 'eve@example.net');
  assert.equal(b!.event.classification.class, 'transient');
  assert.equal(b!.event.classification.retryable, true);
  assert.notEqual(a!.event.eventId, b!.event.eventId);
});

test('an SES undetermined bounce without a reply text stays undetermined and is not retried blindly', () => {
  const e = onlyEvent(normalizeFixture('ses', 'ses/bounce-undetermined.json'));
  assert.equal(e.providerType, 'Bounce/Undetermined/Undetermined');
  assert.equal(e.event.classification.class, null);
  assert.equal(e.event.classification.type, 'undetermined');
  assert.equal(e.event.classification.action, 'none');
});

test('an SES DeliveryDelay with 451 4.3.2 is the same soft bounce as our own 4.3.2, and SES is still retrying', () => {
  const e = onlyEvent(normalizeFixture('ses', 'ses/delivery-delay.json'));
  assert.equal(e.outcome, 'delayed');
  assert.equal(e.espRetrying, true);
  assert.equal(e.event.deliveryId, 'dlv_02', 'the rebound_delivery_id message tag names the delivery');
  const c = e.event.classification;
  assert.deepEqual([c.basic, c.enhanced, c.class, c.reason, c.type, c.action], [451, '4.3.2', 'transient', 'notaccept', 'soft', 'retry']);
  assert.equal(c.hardbounce, false);
});

test('an SES Delivery is a success for each recipient', () => {
  const e = onlyEvent(normalizeFixture('ses', 'ses/delivery.json'));
  assert.equal(e.outcome, 'delivered');
  assert.equal(e.event.classification.class, 'success');
  assert.equal(e.event.classification.reason, 'delivered');
  assert.match(e.event.response, /^250 2\.0\.0 OK/);
  assert.match(e.event.eventId!, /^ses:delivery:/);
});

test('an SES Complaint becomes a feedback event for the complaining recipient', () => {
  const e = onlyEvent(normalizeFixture('ses', 'ses/complaint.json'));
  assert.equal(e.outcome, 'complained');
  assert.equal(e.event.classification.reason, 'feedback');
  assert.equal(e.event.recipient, 'jane@example.org');
  assert.equal(e.event.feedbackType, 'abuse');
  // a "not spam" vote is passed on as such: the engine then neither suppresses nor counts it
  const notSpam = onlyEvent(normalizeWebhook('ses', fixture('ses/complaint.json').replace('\\"complaintFeedbackType\\":\\"abuse\\"', '\\"complaintFeedbackType\\":\\"Not-Spam\\"'), options()));
  assert.deepEqual([notSpam.event.feedbackType, complaintKind(notSpam.event.feedbackType)], ['not-spam', null]);
});

test('an SNS SubscriptionConfirmation is a control message carrying the URL that confirms it', () => {
  const batch = normalizeFixture('ses', 'ses/subscription-confirmation.json');
  assert.deepEqual(batch.counts, { event: 0, unknown: 0, ignored: 0, control: 1 });
  const r = batch.results[0]!;
  assert.equal(r.kind, 'control');
  if (r.kind !== 'control') return;
  assert.equal(r.action, 'subscription-confirmation');
  assert.equal(r.topicArn, 'arn:aws:sns:us-east-1:123456789012:ses-events');
  assert.match(r.subscribeUrl!, /^https:\/\/sns\.us-east-1\.amazonaws\.com\/\?Action=ConfirmSubscription/);
});

test('an SNS UnsubscribeConfirmation is a control message too', () => {
  const r = normalizeFixture('ses', 'ses/unsubscribe-confirmation.json').results[0]!;
  assert.equal(r.kind, 'control');
  assert.equal(r.kind === 'control' && r.action, 'unsubscribe-confirmation');
});

test('a raw SES record (SNS raw message delivery) is read without the envelope; a suppressed send is a drop', () => {
  const e = onlyEvent(normalizeFixture('ses', 'ses/bounce-raw-suppressed.json'));
  assert.equal(e.outcome, 'dropped');
  assert.equal(e.providerType, 'Bounce/Permanent/Suppressed');
  assert.equal(e.event.classification.class, 'permanent');
});

test('an SES Send event is counted as ignored, not applied', () => {
  const batch = normalizeFixture('ses', 'ses/send.json');
  assert.deepEqual(batch.counts, { event: 0, unknown: 0, ignored: 1, control: 0 });
});

test('an SES event type Rebound does not know is kept as unknown, not dropped', () => {
  const batch = normalizeFixture('ses', 'ses/unknown-event.json');
  assert.deepEqual(batch.counts, { event: 0, unknown: 1, ignored: 0, control: 0 });
  const r = batch.results[0]!;
  assert.equal(r.kind === 'unknown' && r.providerType, 'Teleport');
});
