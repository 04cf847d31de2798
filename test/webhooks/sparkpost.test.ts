import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asEvent, normalizeFixture } from './helpers/fixtures.ts';
import type { WebhookResult } from '../../src/webhooks/index.ts';

const batch = normalizeFixture('sparkpost', 'sparkpost/batch.json');
const byId = (id: string): WebhookResult => {
  const r = batch.results.find((x) => (x.kind === 'event' ? x.event.eventId === `sparkpost:${id}` : x.kind !== 'control' && x.eventId === `sparkpost:${id}`));
  assert.ok(r, `no result for ${id}`);
  return r;
};

test('a SparkPost batch gives one result per msys entry and counts each kind', () => {
  assert.equal(batch.results.length, 11);
  assert.deepEqual(batch.counts, { event: 7, unknown: 1, ignored: 3, control: 0 });
});

test('a SparkPost delay with 451 4.3.2 is a soft bounce SparkPost keeps retrying', () => {
  const e = asEvent(byId('92356927693813857'));
  assert.equal(e.providerType, 'delay/21');
  assert.equal(e.outcome, 'delayed');
  assert.equal(e.espRetrying, true);
  assert.equal(e.event.deliveryId, 'dlv_sp_01', 'rcpt_meta.rebound_delivery_id names the delivery');
  assert.equal(e.event.originalMessageId, '000443ee14578172be22');
  assert.equal(e.reportedAt, 1767603600_000);
  const c = e.event.classification;
  assert.deepEqual([c.basic, c.enhanced, c.class, c.reason, c.action], [451, '4.3.2', 'transient', 'notaccept', 'retry']);
});

test('a SparkPost bounce of class 10 (invalid recipient) is a hard bounce', () => {
  const e = asEvent(byId('92356927693813858'));
  assert.equal(e.providerType, 'bounce/10');
  const c = e.event.classification;
  assert.deepEqual([c.class, c.reason, c.type, c.action], ['permanent', 'userunknown', 'hard', 'suppress']);
});

test('a SparkPost bounce of class 22 (mailbox full) is read from its reply', () => {
  const c = asEvent(byId('92356927693813859')).event.classification;
  assert.equal(c.basic, 552);
  assert.equal(c.reason, 'mailboxfull');
  assert.equal(c.hardbounce, false);
});

test('a SparkPost out_of_band bounce is a bounce that came back later', () => {
  const e = asEvent(byId('92356927693813860'));
  assert.equal(e.providerType, 'out_of_band/10');
  assert.equal(e.outcome, 'bounced');
  assert.equal(e.event.recipient, 'late@example.com');
  assert.equal(e.event.classification.reason, 'userunknown');
});

test('a SparkPost delivery is a success', () => {
  const e = asEvent(byId('92356927693813861'));
  assert.equal(e.outcome, 'delivered');
  assert.equal(e.event.classification.class, 'success');
});

test('a SparkPost spam_complaint is a feedback event', () => {
  const e = asEvent(byId('92356927693813862'));
  assert.equal(e.outcome, 'complained');
  assert.equal(e.event.classification.reason, 'feedback');
  assert.equal(e.event.feedbackType, 'abuse', 'its fbtype');
});

test('a SparkPost policy_rejection is a drop, not retried', () => {
  const e = asEvent(byId('92356927693813863'));
  assert.equal(e.outcome, 'dropped');
  assert.equal(e.event.classification.retryable, false);
  // SparkPost's own refusal, not a receiving server's: its words give no reason
  assert.deepEqual([e.event.classification.reason, e.event.classification.hardbounce], ['onhold', false]);
});

test('SparkPost injection, track events and the test ping are counted as ignored', () => {
  assert.equal(byId('92356927693813856').kind, 'ignored');
  assert.equal(byId('92356927693813864').kind, 'ignored');
  const ping = batch.results[10]!;
  assert.equal(ping.kind === 'ignored' && ping.providerType, 'ping');
});

test('a SparkPost message event type Rebound does not know is kept as unknown', () => {
  const r = byId('92356927693813865');
  assert.equal(r.kind, 'unknown');
  assert.equal(r.kind === 'unknown' && r.providerType, 'teleport');
});
