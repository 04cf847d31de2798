import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dedupeBatch, normalizeWebhook } from '../../src/webhooks/index.ts';
import type { NormalizedEvent, WebhookResult } from '../../src/webhooks/index.ts';
import { asEvent, fixture, normalizeFixture, options } from './helpers/fixtures.ts';

const batch = normalizeFixture('sendgrid', 'sendgrid/batch.json');
const byId = (id: string): WebhookResult => {
  const r = batch.results.find((x) => (x.kind === 'event' ? x.event.eventId === `sendgrid:${id}` : x.kind !== 'control' && x.eventId === id));
  assert.ok(r, `no result for ${id}`);
  return r;
};

test('a SendGrid batch gives one result per event, in order, and counts each kind', () => {
  assert.equal(batch.results.length, 10);
  assert.deepEqual(batch.counts, { event: 6, unknown: 1, ignored: 3, control: 0 });
});

test('a SendGrid deferred event with 451 4.3.2 is a soft bounce SendGrid keeps retrying', () => {
  const e = asEvent(byId('sg-deferred-0001'));
  assert.equal(e.outcome, 'delayed');
  assert.equal(e.espRetrying, true);
  assert.equal(e.event.deliveryId, 'dlv_sg_01', 'a rebound_delivery_id custom arg names the delivery');
  assert.equal(e.event.originalMessageId, '14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0');
  assert.equal(e.reportedAt, 1767603660_000);
  const c = e.event.classification;
  assert.deepEqual([c.basic, c.enhanced, c.class, c.reason, c.action], [451, '4.3.2', 'transient', 'notaccept', 'retry']);
});

test('a SendGrid delivered event is a success', () => {
  const e = asEvent(byId('sg-delivered-0001'));
  assert.equal(e.outcome, 'delivered');
  assert.equal(e.event.classification.class, 'success');
  assert.equal(e.event.classification.reason, 'delivered');
});

test('a SendGrid bounce of type bounce for a missing mailbox is a hard bounce', () => {
  const e = asEvent(byId('sg-bounce-0001'));
  assert.equal(e.providerType, 'bounce/bounce');
  assert.equal(e.outcome, 'bounced');
  const c = e.event.classification;
  assert.deepEqual([c.class, c.reason, c.type, c.action, c.hardbounce], ['permanent', 'userunknown', 'hard', 'suppress', true]);
});

test('a SendGrid bounce of type blocked whose words name no reason takes the block and reputation verdict: the sender must fix it', () => {
  const e = asEvent(byId('sg-blocked-0001'));
  assert.equal(e.providerType, 'bounce/blocked');
  const c = e.event.classification;
  assert.equal(c.class, 'permanent');
  assert.equal(c.type, 'block');
  assert.equal(c.action, 'fix-sender');
  assert.equal(c.hardbounce, false, 'a block says nothing bad about the address');
});

test('a SendGrid dropped event is a drop: final for the delivery, no verdict on the address', () => {
  const e = asEvent(byId('sg-dropped-0001'));
  assert.equal(e.outcome, 'dropped');
  const c = e.event.classification;
  assert.equal(c.retryable, false);
  assert.equal(c.hardbounce, false);
  assert.equal(c.action, 'none');
});

test('a SendGrid spamreport is a complaint with the feedback reason', () => {
  const e = asEvent(byId('sg-spamreport-0001'));
  assert.equal(e.outcome, 'complained');
  assert.equal(e.event.classification.reason, 'feedback');
});

test('SendGrid processed, open and click events are counted as ignored', () => {
  for (const id of ['sg-processed-0001', 'sg-open-0001', 'sg-click-0001']) assert.equal(byId(id).kind, 'ignored');
});

test('a SendGrid event type Rebound does not know is kept as unknown with its type', () => {
  const r = byId('sg-future-0001');
  assert.equal(r.kind, 'unknown');
  assert.equal(r.kind === 'unknown' && r.providerType, 'teleported');
  assert.equal(r.kind === 'unknown' && r.recipient, 'jane@example.org');
});

test('a redelivered SendGrid batch produces the same event ids, so it applies once', () => {
  const again = normalizeWebhook('sendgrid', fixture('sendgrid/batch.json'), options());
  const ids = (b: typeof batch) => b.results.flatMap((r) => (r.kind === 'event' ? [r.event.eventId] : []));
  assert.deepEqual(ids(again), ids(batch));
  const both = dedupeBatch([...batch.results, ...again.results]);
  assert.equal(both.unique.length, 6);
  assert.equal(both.duplicates.length, 6);
});

test('an event without sg_event_id gets an id from its content: the same event twice has the same id, another event another', () => {
  const ev = { email: 'a@example.com', timestamp: 1767603600, event: 'deferred', response: '421 try later' };
  const body = JSON.stringify([ev, ev, { ...ev, timestamp: 1767603601 }]);
  const events = normalizeWebhook('sendgrid', body, options()).results.map(asEvent);
  assert.match(events[0]!.event.eventId!, /^sendgrid:sha256:[0-9a-f]{32}$/);
  assert.equal(events[0]!.event.eventId, events[1]!.event.eventId);
  assert.notEqual(events[0]!.event.eventId, events[2]!.event.eventId);
  const { unique, duplicates } = dedupeBatch(events);
  assert.deepEqual(unique.map((e: NormalizedEvent) => e.event.eventId), [events[0]!.event.eventId, events[2]!.event.eventId]);
  assert.equal(duplicates.length, 1);
});

test("a SendGrid drop for an address on its spam-report list is not read as a spam verdict on the message", () => {
  // event.md lists the drop reasons; SendGrid sent nothing, so its words are no server's reply
  const body = JSON.stringify([
    { event: 'dropped', email: 'jane@example.com', sg_event_id: 'd1', reason: 'Spam Reporting Address', status: '5.0.0', timestamp: 1767603600 },
    { event: 'dropped', email: 'bob@example.com', sg_event_id: 'd2', reason: 'Spam Content', status: '5.0.0', timestamp: 1767603600 },
  ]);
  const [listed, content] = normalizeWebhook('sendgrid', body, options()).results.map((r) => asEvent(r).event.classification);
  assert.deepEqual([listed!.reason, listed!.action], ['onhold', 'none']);
  assert.equal(content!.reason, 'spamdetected', "SendGrid's own spam checker did judge the content");
});

test('a SendGrid event without a usable address is kept as unknown, and the rest of the batch still counts', () => {
  const body = JSON.stringify([
    { event: 'bounce', email: 'not an address', sg_event_id: 'x1', reason: '550 5.1.1 no' },
    { event: 'bounce', email: 'ok@example.com', sg_event_id: 'x2', reason: '550 5.1.1 no' },
  ]);
  const b = normalizeWebhook('sendgrid', body, options());
  assert.deepEqual(b.counts, { event: 1, unknown: 1, ignored: 0, control: 0 });
  assert.equal(b.results[0]!.kind === 'unknown' && b.results[0]!.why, 'no valid recipient address in "email"');
});
