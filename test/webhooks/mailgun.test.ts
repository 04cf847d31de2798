import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeWebhook, WebhookPayloadError } from '../../src/webhooks/index.ts';
import { fixture, normalizeFixture, onlyEvent, options } from './helpers/fixtures.ts';

test('a Mailgun temporary failure with 451 4.3.2 is a soft bounce Mailgun keeps retrying, reply rebuilt from its parts', () => {
  const e = onlyEvent(normalizeFixture('mailgun', 'mailgun/failed-temporary.json'));
  assert.equal(e.providerType, 'failed/temporary/generic');
  assert.equal(e.outcome, 'delayed');
  assert.equal(e.espRetrying, true);
  assert.equal(e.event.response, '451 4.3.2 System not accepting network messages');
  assert.equal(e.event.destination, 'mx1.example.org');
  assert.equal(e.event.deliveryId, 'dlv_mg_01', 'a rebound_delivery_id user variable names the delivery');
  assert.equal(e.event.originalMessageId, '20260105090000.1.ABCDEF0123456789@mg.sender.example');
  assert.equal(e.event.eventId, `mailgun:Fs7-5t81S2ScnrH5tZuOuw@${1767603660123}`, 'Mailgun ids are unique per day only: the timestamp completes the key');
  const c = e.event.classification;
  assert.deepEqual([c.basic, c.enhanced, c.class, c.reason, c.action], [451, '4.3.2', 'transient', 'notaccept', 'retry']);
});

test('a Mailgun permanent failure for a missing mailbox is a hard bounce', () => {
  const e = onlyEvent(normalizeFixture('mailgun', 'mailgun/failed-permanent.json'));
  assert.equal(e.outcome, 'bounced');
  assert.equal(e.event.response, '550 5.1.1 The email account that you tried to reach does not exist.');
  const c = e.event.classification;
  assert.deepEqual([c.class, c.reason, c.type, c.action], ['permanent', 'userunknown', 'hard', 'suppress']);
});

test('a Mailgun failure because the address is on its bounce list is a drop, and Mailgun\'s own code 605 is not taken for SMTP', () => {
  const e = onlyEvent(normalizeFixture('mailgun', 'mailgun/failed-suppress-bounce.json'));
  assert.equal(e.outcome, 'dropped');
  assert.equal(e.event.response, 'Not delivering to previously bounced address');
  assert.equal(e.event.classification.basic, null);
  assert.equal(e.event.classification.class, 'permanent');
  assert.equal(e.event.classification.retryable, false);
});

test("a Mailgun drop for a recipient who complained is no spam verdict on the message: Mailgun's words are its own", () => {
  const body = fixture('mailgun/failed-suppress-bounce.json')
    .replace('"reason": "suppress-bounce"', '"reason": "suppress-complaint"')
    .replace('Not delivering to previously bounced address', 'Not delivering to a user who marked your messages as spam');
  const e = onlyEvent(normalizeWebhook('mailgun', body, options()));
  assert.equal(e.outcome, 'dropped');
  assert.deepEqual([e.event.classification.reason, e.event.classification.action, e.event.classification.hardbounce], ['onhold', 'none', false]);
});

test('a Mailgun delivered event is a success', () => {
  const e = onlyEvent(normalizeFixture('mailgun', 'mailgun/delivered.json'));
  assert.equal(e.outcome, 'delivered');
  assert.equal(e.event.classification.class, 'success');
  assert.equal(e.event.response, '250 OK');
});

test('a Mailgun complaint is a feedback event', () => {
  const e = onlyEvent(normalizeFixture('mailgun', 'mailgun/complained.json'));
  assert.equal(e.outcome, 'complained');
  assert.equal(e.event.classification.reason, 'feedback');
  assert.equal(e.event.recipient, 'angry@example.com');
});

test('a Mailgun opened event is counted as ignored', () => {
  assert.deepEqual(normalizeFixture('mailgun', 'mailgun/opened.json').counts, { event: 0, unknown: 0, ignored: 1, control: 0 });
});

test('a Mailgun failed event without a known severity, or an unknown event, is kept as unknown', () => {
  const odd = normalizeWebhook('mailgun', JSON.stringify({ 'event-data': { event: 'failed', severity: 'sort-of', id: 'a', recipient: 'x@example.com' } }), options());
  assert.equal(odd.results[0]!.kind, 'unknown');
  const future = normalizeWebhook('mailgun', JSON.stringify({ 'event-data': { event: 'teleported', id: 'b', recipient: 'x@example.com' } }), options());
  assert.equal(future.results[0]!.kind === 'unknown' && future.results[0]!.providerType, 'teleported');
});

test('a Mailgun body without event-data is refused as a whole', () => {
  assert.throws(() => normalizeWebhook('mailgun', '{"event":"bounced"}', options()), WebhookPayloadError);
  assert.throws(() => normalizeWebhook('mailgun', '[]', options()), /expected a JSON object, got an array/);
});
