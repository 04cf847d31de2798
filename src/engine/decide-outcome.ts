import type { Classification } from '../classify/types.ts';
import type { Policy, PolicyRule } from '../policy/types.ts';
import { matchRule } from '../policy/match-rule.ts';
import { mayRetry, retryDelay, type RandomSource } from '../policy/schedule.ts';
import type { Change, RecordState } from '../store/store.ts';
import type { AddressRecord, AttemptRecord, AttemptSource, DeliveryRecord, NewEvent, OutcomeSummary } from '../store/types.ts';
import type { AttemptOutcome } from './transport.ts';
import type { FailureCause } from './events.ts';
import {
  addressDeferred, addressDelivered, addressExhausted, addressFailed, addressSuppressed, complaintKind, newAddress, type AddressStep,
} from './address-lifecycle.ts';

/**
 * What one outcome does to a delivery and its address, as a pure function of the rows the
 * store read in the same transaction. Own attempts (`source: smtp`) and ingested reports (a
 * DSN, a webhook) for a waiting delivery count alike: each is one attempt under the policy.
 * A report about a delivery that is already final changes only what it still can (see
 * `decideReportOnFinal`).
 */
export interface DecisionContext {
  policy: Policy;
  now: number;
  random: RandomSource;
}

export interface OutcomeItem {
  deliveryId: string;
  attemptId: string;
  outcome: AttemptOutcome;
  source: AttemptSource;
}

const MAX_RESPONSE = 10_000;

function summary(o: AttemptOutcome): OutcomeSummary {
  const c = o.classification;
  return { at: o.at, basic: c.basic, enhanced: c.enhanced, class: c.class, reason: c.reason, response: o.response.slice(0, MAX_RESPONSE) };
}

function attemptRow(item: OutcomeItem, n: number, rule: string): AttemptRecord {
  const o = item.outcome;
  const c = o.classification;
  return {
    id: item.attemptId, deliveryId: item.deliveryId, n, at: o.at, source: item.source, destination: o.destination,
    phase: o.phase, basic: c.basic, enhanced: c.enhanced, class: c.class, reason: c.reason,
    response: o.response.slice(0, MAX_RESPONSE), durationMs: Math.max(0, Math.round(o.durationMs || 0)), rule,
  };
}

function deliveryEvent(d: DeliveryRecord, type: string, at: number, data: Record<string, unknown>): NewEvent {
  return { at, type, deliveryId: d.id, recipient: d.recipient, domain: d.domain, data };
}

function replyData(o: AttemptOutcome): Record<string, unknown> {
  const c = o.classification;
  return {
    basic: c.basic, enhanced: c.enhanced, reason: c.reason, type: c.type, response: o.response.slice(0, 1000), destination: o.destination,
    ...(c.greylisting ? { greylisting: true } : {}),
  };
}

export function isSuccess(c: Classification): boolean {
  return c.class === 'success' || c.reason === 'delivered';
}

/** What the address learns from a final failure with this classification. */
function addressOnFailure(prevAddress: AddressRecord | null, d: DeliveryRecord, c: Classification, cause: FailureCause, rule: PolicyRule | null, ctx: DecisionContext): AddressStep {
  const prev = prevAddress ?? newAddress(d.recipient, ctx.now);
  const why = { deliveryId: d.id, domain: d.domain };
  // The last word says the address is bad (5.1.1, or a 450 4.1.1 that never changed): suppress.
  if (c.hardbounce) return addressSuppressed(prev, ctx.now, c.reason, 'bounce', why);
  if ((cause === 'exhausted' || cause === 'expired') && rule?.exhausted !== 'none') return addressExhausted(prev, ctx.now, ctx.policy.coolOff, c.reason, why);
  return addressFailed(prev, ctx.now);
}

function fail(ctx: DecisionContext, item: OutcomeItem, state: RecordState, d: DeliveryRecord, n: number, cause: FailureCause, rule: PolicyRule | null): Change {
  const o = item.outcome;
  const c = o.classification;
  const ruleId = rule?.id ?? 'final';
  const next: DeliveryRecord = {
    ...d, status: 'failed', attempts: n, nextAttemptAt: null, lastOutcome: summary(o), rule: ruleId, delayWarningAt: null,
    lockedBy: null, lockedUntil: null, updatedAt: ctx.now,
  };
  // once the retries have run out Rebound has stopped retrying: telling the sender to "retry"
  // would contradict it (the address is unavailable until its cool-off, and comes back by itself)
  const gaveUp = (cause === 'exhausted' || cause === 'expired') && c.action === 'retry';
  const action = c.hardbounce ? 'suppress' : c.type === 'block' ? 'fix-sender' : gaveUp ? 'none' : c.action;
  const address = addressOnFailure(state.address, d, c, cause, rule, ctx);
  return {
    attempt: attemptRow(item, n, `${c.rule} → ${ruleId}`),
    delivery: next,
    address: address.address,
    destination: item.source === 'smtp' ? { domain: d.domain, mxHost: o.destination, at: o.at, success: false, reply: o.response.slice(0, 1000) } : undefined,
    events: [
      deliveryEvent(d, 'delivery.failed', ctx.now, { attempts: n, cause, action, rule: ruleId, source: item.source, ...replyData(o) }),
      ...address.events,
    ],
  };
}

function delivered(ctx: DecisionContext, item: OutcomeItem, state: RecordState, d: DeliveryRecord, n: number): Change {
  const o = item.outcome;
  const next: DeliveryRecord = {
    // `resend`: handed back to the sender for its ESP; the ESP's later report may still reopen it.
    ...d, status: 'delivered', attempts: n, nextAttemptAt: null, lastOutcome: summary(o), rule: item.source === 'resend' ? RESEND_ACCEPTED : null, delayWarningAt: null,
    lockedBy: null, lockedUntil: null, updatedAt: ctx.now,
  };
  const address = addressDelivered(state.address, ctx.now, { deliveryId: d.id, domain: d.domain });
  return {
    attempt: attemptRow(item, n, o.classification.rule),
    delivery: next,
    address: address?.address,
    destination: item.source === 'smtp' ? { domain: d.domain, mxHost: o.destination, at: o.at, success: true, reply: o.response.slice(0, 1000) } : undefined,
    events: [
      deliveryEvent(d, 'delivery.delivered', ctx.now, { attempts: n, source: item.source, destination: o.destination, response: o.response.slice(0, 1000) }),
      ...(address?.events ?? []),
    ],
  };
}

/** The rule of a delivery the sender's resend hook accepted: only its ESP's report says how it ended. */
export const RESEND_ACCEPTED = 'resend-accepted';

/** A report about a delivery that is already final: logged; a bounce after "delivered" fails it. */
function decideReportOnFinal(ctx: DecisionContext, item: OutcomeItem, state: RecordState, d: DeliveryRecord): Change | null {
  const c = item.outcome.classification;
  // Own attempts never reach a final delivery except as a stale duplicate: ignore them.
  if (item.source === 'smtp' || item.source === 'resend') return null;
  if (d.status === 'delivered' && d.rule === RESEND_ACCEPTED && c.class === 'transient') {
    // The ESP deferred what the resend hook handed it: that attempt's outcome is this deferral,
    // so the schedule continues from it (not one attempt further).
    return decideOutcome(ctx, item, { ...state, delivery: { ...d, status: 'deferred', attempts: d.attempts - 1 } });
  }
  if (d.status === 'delivered' && d.rule === RESEND_ACCEPTED && isSuccess(c)) {
    // The ESP confirms delivery: closed, a later deferral report no longer reopens it.
    return { attempt: attemptRow(item, d.attempts, c.rule), delivery: { ...d, rule: null, updatedAt: ctx.now }, events: [] };
  }
  if (d.status === 'delivered' && c.class === 'permanent') {
    // The relay said 250, the final hop said no: the delivery did not happen after all.
    return fail(ctx, item, state, d, d.attempts, 'bounced-after-delivery', null);
  }
  const change: Change = { attempt: attemptRow(item, d.attempts, c.rule), events: [] };
  // A failed delivery's late hard bounce still tells us the address is bad.
  if (d.status === 'failed' && c.hardbounce && c.class === 'permanent') {
    const step = addressSuppressed(state.address ?? newAddress(d.recipient, ctx.now), ctx.now, c.reason, 'bounce', { deliveryId: d.id, domain: d.domain });
    change.address = step.address;
    change.events.push(...step.events);
  }
  return change;
}

/**
 * A complaint about a delivery (a spam report, an unsubscribe): recorded with the delivery, which
 * it does not change (the message arrived), and the address is suppressed when the complaint asks
 * for no more mail. A waiting delivery to it then fails at its next claim (address suppressed).
 */
function decideComplaint(ctx: DecisionContext, item: OutcomeItem, state: RecordState, d: DeliveryRecord): Change {
  const change: Change = { attempt: attemptRow(item, d.attempts, item.outcome.classification.rule), events: [] };
  const kind = complaintKind(item.outcome.feedbackType);
  // once per delivery and kind: the engine keys the attempt by both (isComplaint), so a second
  // report of the same complaint (the ARF copy and the ESP's webhook) is a duplicate
  if (kind) change.events.push(deliveryEvent(d, 'delivery.complained', ctx.now, { kind, feedbackType: item.outcome.feedbackType ?? null, source: item.source, at: item.outcome.at }));
  if (kind) {
    const step = addressSuppressed(state.address ?? newAddress(d.recipient, ctx.now), ctx.now, 'feedback', 'complaint', { deliveryId: d.id, domain: d.domain });
    change.address = step.address;
    change.events.push(...step.events);
  }
  return change;
}

/** A recipient's report about a delivery (not a reply in our own session, whatever its words). */
export function isComplaint(item: Pick<OutcomeItem, 'outcome' | 'source'>): boolean {
  return item.outcome.classification.reason === 'feedback' && item.source !== 'smtp' && item.source !== 'resend';
}

export function decideOutcome(ctx: DecisionContext, item: OutcomeItem, state: RecordState): Change | null {
  const d = state.delivery;
  if (!d) return null;
  if (isComplaint(item)) return decideComplaint(ctx, item, state, d);
  if (d.status === 'delivered' || d.status === 'failed') return decideReportOnFinal(ctx, item, state, d);
  const n = d.attempts + 1;
  const o = item.outcome;
  const c = o.classification;
  if (isSuccess(c)) return delivered(ctx, item, state, d, n);

  const rule = matchRule(ctx.policy, c, d.domain);
  if (rule.schedule.kind === 'none') return fail(ctx, item, state, d, n, 'permanent', rule);
  const delay = mayRetry(rule, n) ? retryDelay(rule.schedule, n, ctx.random) : null;
  if (delay === null) return fail(ctx, item, state, d, n, 'exhausted', rule);
  const expiresAt = d.createdAt + rule.maxAge;
  // Never earlier than now, and never earlier than a time already promised (a gate hold).
  const nextAttemptAt = Math.max(ctx.now + delay, ctx.now + 1);
  if (nextAttemptAt > expiresAt) return fail(ctx, item, state, d, n, 'expired', rule);

  const next: DeliveryRecord = {
    ...d, status: 'deferred', attempts: n, maxAttempts: rule.maxAttempts, nextAttemptAt,
    firstDeferredAt: d.firstDeferredAt ?? ctx.now, expiresAt, lastOutcome: summary(o), rule: rule.id,
    lockedBy: null, lockedUntil: null, updatedAt: ctx.now,
  };
  const address = addressDeferred(state.address ?? newAddress(d.recipient, ctx.now), ctx.now);
  return {
    attempt: attemptRow(item, n, `${c.rule} → ${rule.id}`),
    delivery: next,
    address: address.address,
    destination: item.source === 'smtp' ? { domain: d.domain, mxHost: o.destination, at: o.at, success: false, reply: o.response.slice(0, 1000) } : undefined,
    events: [
      deliveryEvent(d, 'delivery.deferred', ctx.now, { attempt: n, rule: rule.id, source: item.source, ...replyData(o) }),
      deliveryEvent(d, 'delivery.retry_scheduled', ctx.now, { attempt: n + 1, nextAttemptAt, delayMs: nextAttemptAt - ctx.now, rule: rule.id, maxAttempts: rule.maxAttempts }),
      ...address.events,
    ],
  };
}

/**
 * The destination gate held a due delivery: it waits in the queue under a lease nobody holds,
 * never claimed before `until`. Its next attempt (its place in the schedule), its attempts and the
 * account of its transitions (the events) stay as they are.
 */
export function decideHold(now: number, until: number, state: RecordState): Change | null {
  const d = state.delivery;
  if (!d || d.status === 'delivered' || d.status === 'failed') return null;
  return { delivery: { ...d, lockedBy: null, lockedUntil: Math.max(until, now + 1), updatedAt: now }, events: [] };
}

/**
 * When a delivery its destination's gate holds (a suspension, the wait for a probe, deliveries in
 * flight, the rate) may next be claimed; null when it is not held. Its `nextAttemptAt` stays its
 * place in the schedule.
 */
export function heldUntil(d: DeliveryRecord, now: number): number | null {
  if (d.status !== 'queued' && d.status !== 'deferred') return null;
  return d.lockedBy === null && d.lockedUntil !== null && d.lockedUntil > now ? d.lockedUntil : null;
}

/** The early warning: once, when a waiting delivery's warning time has come. */
export function decideDelayWarning(now: number, state: RecordState): Change | null {
  const d = state.delivery;
  if (!d || d.delayWarningAt === null || d.delayWarningAt > now) return null;
  if (d.status === 'delivered' || d.status === 'failed') return { delivery: { ...d, delayWarningAt: null }, events: [] };
  return {
    delivery: { ...d, delayWarningAt: null, updatedAt: now, lockedBy: d.lockedBy, lockedUntil: d.lockedUntil },
    events: [deliveryEvent(d, 'delivery.delayed', now, { waitedMs: now - d.createdAt, attempts: d.attempts, nextAttemptAt: d.nextAttemptAt })],
  };
}
