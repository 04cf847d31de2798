import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestClock } from '../../src/engine/clock.ts';
import { Engine, SubmitError } from '../../src/engine/engine.ts';
import { Scheduler } from '../../src/engine/scheduler.ts';
import { loadPolicyText } from '../../src/policy/load-policy.ts';
import { seededRandom } from '../../src/policy/schedule.ts';
import type { Policy } from '../../src/policy/types.ts';
import type { BounceEvent } from '../../src/classify/bounce-event.ts';
import type { Classification } from '../../src/classify/types.ts';
import type { DeliveryJob } from '../../src/engine/transport.ts';
import { REPLIES, ScriptedTransport, tempStore, drive, outcome, classification, HOUR, DAY } from './helpers.ts';

const MSG = { from: 'news@sender.example', raw: 'Subject: hi\r\n\r\nhello\r\n' };

async function setup(t: { after: (fn: () => Promise<void>) => void }, answer: (job: DeliveryJob) => Classification, policy?: Policy) {
  const { store, cleanup } = tempStore();
  t.after(cleanup);
  const clock = new TestClock();
  const engine = new Engine({ store, clock, random: seededRandom(7), policy });
  const transport = new ScriptedTransport(() => clock.now(), answer);
  const scheduler = new Scheduler({ engine, transport });
  const types = async () => (await store.listEvents(0, 1000)).map((e) => e.type);
  return { store, clock, engine, transport, scheduler, t0: clock.now(), types, run: (ms = 30 * DAY) => drive(scheduler, engine, clock, clock.now() + ms) };
}

test('a delivery accepted at once is delivered after one attempt and says so', async (t) => {
  const s = await setup(t, () => REPLIES.ok());
  const { deliveries: [d] } = await s.engine.submit(MSG, ['a@example.org']);
  await s.run();
  const got = (await s.store.getDelivery(d!.id))!;
  assert.deepEqual([got.status, got.attempts, got.nextAttemptAt, got.lockedBy], ['delivered', 1, null, null]);
  const events = await s.store.listEvents(0, 10);
  assert.deepEqual(events.map((e) => [e.type, e.data.attempts]), [['delivery.delivered', 1]]);
  assert.equal(await s.store.getAddress('a@example.org'), null, 'a clean delivery writes no address row');
});

test('a success after deferrals clears the address deferral and reports how many attempts it took', async (t) => {
  let n = 0;
  const s = await setup(t, () => (++n <= 2 ? REPLIES.notAccepting() : REPLIES.ok()));
  const { deliveries: [d] } = await s.engine.submit(MSG, ['a@example.org']);
  await s.scheduler.runOnce();
  assert.equal((await s.engine.getAddress('a@example.org'))!.status, 'deferred');
  await s.run();
  assert.equal((await s.store.getDelivery(d!.id))!.status, 'delivered');
  const a = (await s.engine.getAddress('a@example.org'))!;
  assert.deepEqual([a.status, a.deferralCount], ['active', 2]);
  const events = await s.store.listEvents(0, 100);
  assert.equal(events.at(-1)!.type, 'delivery.delivered');
  assert.equal(events.at(-1)!.data.attempts, 3);
});

test('a hard bounce fails the delivery at once and suppresses the address; the next submission fails at once too', async (t) => {
  const s = await setup(t, () => REPLIES.userUnknown());
  const first = await s.engine.submit(MSG, ['gone@example.org']);
  await s.run();
  assert.equal((await s.store.getDelivery(first.deliveries[0]!.id))!.status, 'failed');
  assert.equal(s.transport.jobs.length, 1);
  const a = (await s.engine.getAddress('gone@example.org'))!;
  assert.deepEqual([a.status, a.reason, a.hardBounceCount], ['suppressed', 'userunknown', 1]);
  assert.deepEqual(await s.types(), ['delivery.failed', 'address.suppressed']);

  const second = await s.engine.submit(MSG, ['GONE@example.org']);
  assert.equal(second.deliveries[0]!.status, 'failed');
  await s.run();
  assert.equal(s.transport.jobs.length, 1, 'a suppressed address is never tried');
  const events = await s.store.listEvents(0, 100);
  assert.deepEqual(events.at(-1)!.data.cause, 'address-suppressed');
});

test('a block fails the delivery without retry, leaves the address active and tells the sender to fix something', async (t) => {
  const s = await setup(t, () => REPLIES.blocked());
  const { deliveries: [d] } = await s.engine.submit(MSG, ['a@example.org']);
  await s.run();
  assert.equal((await s.store.getDelivery(d!.id))!.status, 'failed');
  assert.equal(s.transport.jobs.length, 1);
  assert.equal((await s.engine.getAddress('a@example.org'))!.status, 'active');
  const [failed] = await s.store.listEvents(0, 10);
  assert.deepEqual([failed!.type, failed!.data.action, failed!.data.cause], ['delivery.failed', 'fix-sender', 'permanent']);
});

test('a transient "user unknown" (450 4.1.1) is retried, and suppresses the address only if the last attempt still says so', async (t) => {
  const s = await setup(t, () => REPLIES.userUnknownTransient());
  const { deliveries: [d] } = await s.engine.submit(MSG, ['maybe@example.org']);
  await s.scheduler.runOnce();
  assert.equal((await s.store.getDelivery(d!.id))!.status, 'deferred');
  assert.equal((await s.engine.getAddress('maybe@example.org'))!.status, 'deferred');
  await s.run();
  assert.equal(s.transport.jobs.length, 5);
  assert.equal((await s.engine.getAddress('maybe@example.org'))!.status, 'suppressed');

  let n = 0;
  const s2 = await setup(t, () => (++n < 5 ? REPLIES.userUnknownTransient() : REPLIES.busy()));
  await s2.engine.submit(MSG, ['maybe@example.org']);
  await s2.run(2 * DAY);
  assert.equal(s2.transport.jobs.length, 5);
  assert.equal((await s2.engine.getAddress('maybe@example.org'))!.status, 'unavailable', 'the last word was a busy server, not a bad address');
});

test('exhausted soft bounces never suppress: the address is unavailable for the cool-off, then active by itself', async (t) => {
  const s = await setup(t, () => REPLIES.busy());
  await s.engine.submit(MSG, ['busy@example.org']);
  await s.run(2 * DAY);
  const a = (await s.store.getAddress('busy@example.org'))!;
  assert.equal(a.status, 'unavailable');
  assert.equal(s.transport.jobs.length, 5, 'the default backoff makes five attempts');
  const until = a.until!;
  assert.equal(until, s.clock.now() + 7 * DAY);
  // the final event does not tell the sender to retry what Rebound has stopped retrying
  const failed = (await s.store.listEvents(0, 1000)).find((e) => e.type === 'delivery.failed')!;
  assert.deepEqual([failed.data.cause, failed.data.action], ['exhausted', 'none']);

  // A submission during the cool-off fails at once, with the reason.
  const during = await s.engine.submit(MSG, ['busy@example.org']);
  assert.equal(during.deliveries[0]!.status, 'failed');

  // Lazily on read: past `until` it reads as active even before the sweep writes it.
  s.clock.set(until);
  assert.equal((await s.engine.getAddress('busy@example.org'))!.status, 'active');
  assert.equal((await s.store.getAddress('busy@example.org'))!.status, 'unavailable');
  // The sweep writes it and says so.
  await s.scheduler.runOnce();
  assert.equal((await s.store.getAddress('busy@example.org'))!.status, 'active');
  const events = await s.store.listEvents(0, 1000);
  assert.deepEqual([events.at(-1)!.type, events.at(-1)!.data.by], ['address.reactivated', 'cool-off']);
});

test('the run loop wakes at the end of a cool-off to reactivate the address', async (t) => {
  const s = await setup(t, () => REPLIES.busy());
  await s.engine.submit(MSG, ['busy@example.org']);
  await s.run(2 * DAY);
  const until = (await s.store.getAddress('busy@example.org'))!.until!;
  assert.equal(await s.engine.nextDueAt(), until);
});

test('a submission after the cool-off ended reactivates the address on the way and is attempted', async (t) => {
  const s = await setup(t, () => REPLIES.busy());
  await s.engine.submit(MSG, ['busy@example.org']);
  await s.run(2 * DAY);
  s.clock.advance(8 * DAY);
  const again = await s.engine.submit(MSG, ['busy@example.org']);
  assert.equal(again.deliveries[0]!.status, 'queued');
  const events = await s.store.listEvents(0, 1000);
  assert.deepEqual(events.at(-1)!.type, 'address.reactivated');
});

test('a delivery whose next retry would pass the maximum age fails as expired', async (t) => {
  const policy = loadPolicyText('rules:\n  - { id: short, match: { enhanced: "4.3.2" }, retry: "1h,4h,12h,24h", maxAge: 10h }\n');
  const s = await setup(t, () => REPLIES.notAccepting(), policy);
  const { deliveries: [d] } = await s.engine.submit(MSG, ['a@example.org']);
  await s.run(2 * DAY);
  assert.deepEqual((await s.store.listAttempts(d!.id)).map((a) => (a.at - s.t0) / HOUR), [0, 1, 5]);
  const failed = (await s.store.listEvents(0, 100)).find((e) => e.type === 'delivery.failed')!;
  assert.equal(failed.data.cause, 'expired');
  assert.equal((await s.engine.getAddress('a@example.org'))!.status, 'unavailable');
});

test('recording the same outcome twice changes nothing', async (t) => {
  const s = await setup(t, () => REPLIES.ok());
  const { deliveries: [d] } = await s.engine.submit(MSG, ['a@example.org']);
  const o = outcome({ deliveryId: d!.id, attemptId: `${d!.id}#1` }, REPLIES.notAccepting(), s.clock.now());
  const first = await s.engine.recordOutcome(d!.id, o);
  const before = await s.store.getDelivery(d!.id);
  const second = await s.engine.recordOutcome(d!.id, o);
  assert.equal(first.applied, true);
  assert.equal(second.applied, false);
  assert.deepEqual(await s.store.getDelivery(d!.id), before);
  assert.equal((await s.store.listAttempts(d!.id)).length, 1);
  assert.deepEqual(await s.types(), ['delivery.deferred', 'delivery.retry_scheduled']);
});

test('an outcome recorded under an id of the caller\'s own is kept with its delivery and recognised when repeated', async (t) => {
  const s = await setup(t, () => REPLIES.ok());
  const { deliveries: [d, other] } = await s.engine.submit(MSG, ['a@example.org', 'b@example.org']);
  const o = outcome({ deliveryId: d!.id, attemptId: 'my-try-1' }, REPLIES.notAccepting(), s.clock.now());
  assert.equal((await s.engine.recordOutcome(d!.id, o)).applied, true);
  assert.equal((await s.engine.recordOutcome(d!.id, o)).applied, false);
  assert.deepEqual((await s.store.listAttempts(d!.id)).map((a) => a.id), [`${d!.id}#my-try-1`]);
  assert.deepEqual(await s.store.listAttempts(other!.id), []);
});

test('a bounce for a delivery already delivered to the relay turns it into failed and suppresses a bad address', async (t) => {
  const s = await setup(t, () => REPLIES.ok());
  const { deliveries: [d] } = await s.engine.submit(MSG, ['a@example.org']);
  await s.run();
  const bounce: BounceEvent = {
    source: 'dsn', provider: 'postfix', eventId: '<dsn-1@mx>', recipient: 'a@example.org', deliveryId: d!.id, originalMessageId: null,
    at: s.clock.now(), destination: 'mx.example.org', response: '550 5.1.1 <a@example.org>: user unknown', classification: REPLIES.userUnknown(),
  };
  const r = await s.engine.applyBounceEvent(bounce);
  assert.equal(r.applied, true);
  const got = (await s.store.getDelivery(d!.id))!;
  assert.deepEqual([got.status, got.attempts], ['failed', 1]);
  assert.equal((await s.engine.getAddress('a@example.org'))!.status, 'suppressed');
  const events = await s.store.listEvents(0, 100);
  assert.deepEqual(events.map((e) => e.type), ['delivery.delivered', 'delivery.failed', 'address.suppressed']);
  assert.equal(events[1]!.data.cause, 'bounced-after-delivery');
  // The same DSN again (same event id) changes nothing.
  assert.equal((await s.engine.applyBounceEvent(bounce)).applied, false);
  // A delay notice about a delivered message is logged, nothing else.
  const delay = { ...bounce, eventId: '<dsn-2@mx>', classification: REPLIES.notAccepting(), response: '451 4.3.2 still trying' };
  assert.equal((await s.engine.applyBounceEvent(delay)).events.length, 0);
  assert.equal((await s.store.listAttempts(d!.id)).length, 3);
});

test('a bounce naming several deliveries (one shared transaction) is matched to the one for its recipient', async (t) => {
  const s = await setup(t, () => REPLIES.ok());
  const { deliveries } = await s.engine.submit(MSG, ['a@example.org', 'b@example.org', 'c@example.org']);
  await s.run();
  const ids = deliveries.map((d) => d.id).join(' ');
  const bounce: BounceEvent = {
    source: 'dsn', provider: 'postfix', eventId: '<dsn-3@mx>:b@example.org', recipient: 'B@example.org', deliveryId: ids, originalMessageId: null,
    at: s.clock.now(), destination: 'mx.example.org', response: '550 5.1.1 user unknown', classification: REPLIES.userUnknown(),
  };
  const r = await s.engine.applyBounceEvent(bounce);
  assert.equal(r.delivery?.id, deliveries[1]!.id);
  assert.deepEqual((await Promise.all(deliveries.map((d) => s.store.getDelivery(d.id)))).map((d) => d!.status), ['delivered', 'failed', 'delivered']);
  // the address a forward reached is not one of them; the Original-Recipient is
  const forwarded = { ...bounce, eventId: '<dsn-4@mx>:c@new.example', recipient: 'c@new.example', originalRecipient: 'c@example.org' };
  assert.equal((await s.engine.applyBounceEvent(forwarded)).delivery?.id, deliveries[2]!.id);
  // a recipient none of them has acts on the address alone
  const stranger = { ...bounce, eventId: '<dsn-5@mx>:d@example.org', recipient: 'd@example.org' };
  assert.equal((await s.engine.applyBounceEvent(stranger)).delivery, null);
  assert.equal((await s.engine.getAddress('d@example.org'))!.status, 'suppressed');
});

test('a bounce tied to no delivery acts on the address the sender wrote, not the one a forward reached', async (t) => {
  const s = await setup(t, () => REPLIES.ok());
  const r = await s.engine.applyBounceEvent({
    source: 'dsn', provider: 'postfix', eventId: '<dsn-6@mx>:jane@new-home.example', recipient: 'jane@new-home.example',
    originalRecipient: 'Jane@Old-Home.example', deliveryId: null, originalMessageId: null, at: s.clock.now(), destination: null,
    response: '550 5.1.1 user unknown', classification: REPLIES.userUnknown(),
  });
  assert.deepEqual(r.events.map((e) => [e.type, e.recipient]), [['address.suppressed', 'jane@old-home.example']]);
  assert.equal(await s.engine.getAddress('jane@new-home.example'), null);
});

test('a webhook bounce for a waiting delivery counts as its next attempt', async (t) => {
  const s = await setup(t, () => REPLIES.notAccepting());
  const { deliveries: [d] } = await s.engine.submit(MSG, ['a@example.org']);
  await s.scheduler.runOnce();
  const r = await s.engine.applyBounceEvent({
    source: 'webhook', provider: 'sendgrid', eventId: 'sg-1', recipient: 'a@example.org', deliveryId: d!.id, originalMessageId: null,
    at: s.clock.now(), destination: null, response: '550 5.1.1 unknown', classification: REPLIES.userUnknown(),
  });
  assert.equal(r.delivery!.status, 'failed');
  assert.equal(r.delivery!.attempts, 2);
  assert.equal((await s.engine.getAddress('a@example.org'))!.status, 'suppressed');
});

test('bounces with no known delivery act on the address alone, idempotently', async (t) => {
  const s = await setup(t, () => REPLIES.ok());
  const base: BounceEvent = {
    source: 'webhook', provider: 'ses', eventId: null, recipient: 'X@Example.org', deliveryId: null, originalMessageId: null,
    at: s.clock.now(), destination: null, response: '', classification: REPLIES.ok(),
  };
  const soft = await s.engine.applyBounceEvent({ ...base, eventId: 'e1', response: '452 4.2.2 full', classification: classification('452 4.2.2 Mailbox full', 'mailboxfull') });
  assert.equal(soft.applied, true);
  assert.equal((await s.engine.getAddress('x@example.org'))!.status, 'active', 'a soft report is only counted');
  // a delay warning is still being retried, even when its reason is `expired`: only counted
  const warning = await s.engine.applyBounceEvent({ ...base, eventId: 'e1b', response: 'delayed', classification: classification('451 4.4.1 No answer from host', 'expired') });
  assert.deepEqual(warning.events, []);
  assert.equal((await s.engine.getAddress('x@example.org'))!.status, 'active', 'a delay warning is only counted');
  const expired = await s.engine.applyBounceEvent({ ...base, eventId: 'e2', response: 'gave up', classification: classification('550 5.4.7 Delivery time expired', 'expired') });
  assert.deepEqual(expired.events.map((e) => e.type), ['address.unavailable']);
  const hard = await s.engine.applyBounceEvent({ ...base, eventId: 'e3', response: '550 5.1.1', classification: REPLIES.userUnknown() });
  assert.deepEqual(hard.events.map((e) => e.type), ['address.suppressed']);
  assert.equal((await s.engine.applyBounceEvent({ ...base, eventId: 'e3', response: '550 5.1.1', classification: REPLIES.userUnknown() })).applied, false);
  // Without an event id the report's content is its key.
  const anon = { ...base, response: '550 5.1.1 again', classification: REPLIES.userUnknown() };
  assert.equal((await s.engine.applyBounceEvent(anon)).applied, true);
  assert.equal((await s.engine.applyBounceEvent(anon)).applied, false);
  assert.equal((await s.store.listAddressReports('x@example.org')).length, 5);
});

test('an operator can suppress and reactivate an address, each with an event', async (t) => {
  const s = await setup(t, () => REPLIES.ok());
  const a = await s.engine.suppressAddress('Ops@Example.org', 'complaint');
  assert.deepEqual([a.status, a.reason], ['suppressed', 'complaint']);
  assert.equal((await s.engine.suppressAddress('ops@example.org')).status, 'suppressed');
  const b = await s.engine.reactivateAddress('ops@example.org');
  assert.equal(b.status, 'active');
  const events = await s.store.listEvents(0, 10);
  assert.deepEqual(events.map((e) => [e.type, e.data.by]), [['address.suppressed', 'operator'], ['address.reactivated', 'operator']]);
});

test('submit refuses a bad recipient list and stores nothing', async (t) => {
  const s = await setup(t, () => REPLIES.ok());
  for (const bad of [[], ['no-at-sign'], ['a@b.org', 'two words@x.org'], ['<>'], ['a@'], ['a@b..org'], ['x'.repeat(65) + '@b.org'], ['a\u0007@b.org'], ['a\u0000x@b.org'], ['a\u007f@b.org']]) {
    await assert.rejects(s.engine.submit(MSG, bad), SubmitError, JSON.stringify(bad));
  }
  await assert.rejects(s.engine.submit({ from: 'bad sender', raw: 'x' }, ['a@b.org']), SubmitError);
  await assert.rejects(s.engine.submit({ from: 'me\u0000@b.org', raw: 'x' }, ['a@b.org']), SubmitError);
  assert.deepEqual(await s.store.countDeliveries(), { queued: 0, deferred: 0, delivered: 0, failed: 0 });
});

test('duplicate recipients become one delivery; case does not matter', async (t) => {
  const s = await setup(t, () => REPLIES.ok());
  const r = await s.engine.submit(MSG, ['A@Example.org', 'a@example.org', '<a@example.org>', 'b@example.org']);
  assert.deepEqual(r.deliveries.map((d) => d.recipient), ['a@example.org', 'b@example.org']);
});

test('delivery.delayed is sent once, when a waiting delivery passes the warning time', async (t) => {
  const policy = loadPolicyText('delayWarning: 4h\n');
  const s = await setup(t, () => REPLIES.notAccepting(), policy);
  const { deliveries: [d] } = await s.engine.submit(MSG, ['a@example.org']);
  await s.run();
  const delayed = (await s.store.listEvents(0, 100)).filter((e) => e.type === 'delivery.delayed');
  assert.equal(delayed.length, 1);
  assert.equal(delayed[0]!.at, s.t0 + 4 * HOUR, 'sent at the warning time, not at the next attempt');
  assert.equal(delayed[0]!.deliveryId, d!.id);
});

test('delivery.delayed is not sent when the delivery finished first, nor when the warning is off', async (t) => {
  const s = await setup(t, () => REPLIES.ok(), loadPolicyText('delayWarning: 4h\n'));
  await s.engine.submit(MSG, ['a@example.org']);
  await s.run();
  const s2 = await setup(t, () => REPLIES.notAccepting());
  await s2.engine.submit(MSG, ['a@example.org']);
  await s2.run();
  assert.ok(!(await s.types()).includes('delivery.delayed'));
  assert.ok(!(await s2.types()).includes('delivery.delayed'));
});

test('a complaint leaves the delivered message as it is and suppresses the address; a report that is not a wish for no mail does not', async (t) => {
  const s = await setup(t, () => REPLIES.ok());
  const { deliveries: [d] } = await s.engine.submit(MSG, ['a@example.org']);
  await s.run();
  const complaint: BounceEvent = {
    source: 'webhook', provider: 'sendgrid', eventId: 'sg-spamreport-1', recipient: 'a@example.org', deliveryId: d!.id, originalMessageId: null,
    at: s.clock.now(), destination: null, response: '', classification: classification('', 'feedback', { action: 'none', retryable: false }),
  };
  const r = await s.engine.applyBounceEvent(complaint);
  assert.equal(r.applied, true);
  assert.equal((await s.store.getDelivery(d!.id))!.status, 'delivered');
  const a = (await s.engine.getAddress('a@example.org'))!;
  assert.deepEqual([a.status, a.reason, a.hardBounceCount], ['suppressed', 'feedback', 0]);
  const suppressed = (await s.store.listEvents(0, 100)).find((e) => e.type === 'address.suppressed')!;
  assert.equal(suppressed.data.by, 'complaint');
  // an ARF complaint with no delivery of ours acts on the address alone, by its Feedback-Type
  const arf = { ...complaint, source: 'dsn' as const, deliveryId: null, eventId: '<arf-1@isp>', recipient: 'b@example.org', feedbackType: 'abuse' };
  await s.engine.applyBounceEvent(arf);
  assert.equal((await s.engine.getAddress('b@example.org'))!.status, 'suppressed');
  // a DMARC authentication-failure report is about the sender's setup, not the recipient's wish
  await s.engine.applyBounceEvent({ ...arf, eventId: '<arf-2@isp>', recipient: 'c@example.org', feedbackType: 'auth-failure' });
  assert.notEqual((await s.engine.getAddress('c@example.org'))?.status, 'suppressed');
});
