import type { AddressRecord, NewEvent } from '../store/types.ts';

/**
 * The address state machine, as pure functions: active → deferred → unavailable (until) →
 * active; suppressed on a hard bounce or by hand, left only by an operator. Each returns the
 * new record and the events its transitions append (none when nothing a subscriber cares about
 * changed: becoming `deferred` is told by the delivery's own `delivery.deferred`).
 */
export interface AddressStep {
  address: AddressRecord;
  events: NewEvent[];
}

interface Cause {
  deliveryId: string | null;
  domain: string | null;
}

export function newAddress(email: string, now: number): AddressRecord {
  return {
    email, status: 'active', until: null, reason: null, deferralCount: 0, failureCount: 0,
    hardBounceCount: 0, updatedAt: now,
  };
}

/** The address as it stands at `now`: an unavailable one whose cool-off ended reads as active. */
export function addressAt(a: AddressRecord, now: number): AddressRecord {
  if (a.status === 'unavailable' && a.until !== null && a.until <= now) return { ...a, status: 'active', until: null, reason: null };
  return a;
}

function event(type: string, a: AddressRecord, now: number, cause: Cause, data: Record<string, unknown>): NewEvent {
  return { at: now, type, deliveryId: cause.deliveryId, recipient: a.email, domain: cause.domain, data };
}

/** A delivery to this address was deferred: an active address becomes deferred. */
export function addressDeferred(prev: AddressRecord, now: number): AddressStep {
  const status = prev.status === 'active' ? 'deferred' : prev.status;
  return { address: { ...prev, status, deferralCount: prev.deferralCount + 1, updatedAt: now }, events: [] };
}

/**
 * A delivery succeeded: deferrals are cleared, an unavailable address is active again, a
 * suppressed one stays. Null when nothing changes: success is the common case, and not
 * rewriting a random address row per delivery is what keeps a busy store fast.
 */
export function addressDelivered(prev: AddressRecord | null, now: number, cause: Cause): AddressStep | null {
  if (!prev || prev.status === 'active' || prev.status === 'suppressed') return null;
  const next: AddressRecord = { ...prev, updatedAt: now };
  const events: NewEvent[] = [];
  if (prev.status === 'deferred') Object.assign(next, { status: 'active', reason: null });
  if (prev.status === 'unavailable') {
    Object.assign(next, { status: 'active', until: null, reason: null });
    events.push(event('address.reactivated', next, now, cause, { by: 'delivery', previous: 'unavailable' }));
  }
  return { address: next, events };
}

/**
 * Retries ran out on a transient outcome: the address is unavailable for the cool-off (longer
 * if it already was). Never suppressed for it: a busy server is not a bad address.
 */
export function addressExhausted(prev: AddressRecord, now: number, coolOff: number, reason: string, cause: Cause): AddressStep {
  const counted = { ...prev, failureCount: prev.failureCount + 1, updatedAt: now };
  if (prev.status === 'suppressed') return { address: counted, events: [] };
  const until = Math.max(now + coolOff, prev.status === 'unavailable' ? prev.until ?? 0 : 0);
  const next: AddressRecord = { ...counted, status: 'unavailable', until, reason };
  return { address: next, events: [event('address.unavailable', next, now, cause, { until, reason })] };
}

/**
 * Complaints that mean "send me nothing more": a spam report (abuse, fraud), an unsubscribe
 * (opt-out), or an ESP's complaint event, which names no type. Not an authentication-failure
 * report, a virus report or a "not spam" vote: those say nothing about the recipient's wish.
 */
const SUPPRESSING_FEEDBACK: ReadonlySet<string> = new Set(['abuse', 'fraud', 'opt-out', 'unsubscribe']);

export function complaintSuppresses(feedbackType: string | null | undefined): boolean {
  return complaintKind(feedbackType) !== null;
}

/**
 * What a complaint counts as: a spam report (ARF abuse or fraud, or an ESP's complaint event,
 * which is a press of "report spam") is what mailbox providers' complaint rates count; an
 * unsubscribe (ARF opt-out) is the recipient's wish but no spam verdict. Null for reports that
 * are no complaint by the recipient (auth-failure, not-spam, virus, other).
 */
export function complaintKind(feedbackType: string | null | undefined): 'spam' | 'unsubscribe' | null {
  if (feedbackType === null || feedbackType === undefined) return 'spam';
  const t = feedbackType.toLowerCase();
  if (!SUPPRESSING_FEEDBACK.has(t)) return null;
  return t === 'opt-out' || t === 'unsubscribe' ? 'unsubscribe' : 'spam';
}

/** The last word on the address says it does not exist, its owner complained, or by hand: suppressed until an operator says otherwise. */
export function addressSuppressed(prev: AddressRecord, now: number, reason: string, by: 'bounce' | 'complaint' | 'operator', cause: Cause): AddressStep {
  const counted = by === 'bounce' ? { ...prev, hardBounceCount: prev.hardBounceCount + 1, failureCount: prev.failureCount + 1, updatedAt: now } : { ...prev, updatedAt: now };
  if (prev.status === 'suppressed') return { address: counted, events: [] };
  const next: AddressRecord = { ...counted, status: 'suppressed', until: null, reason };
  return { address: next, events: [event('address.suppressed', next, now, cause, { reason, by, previous: prev.status })] };
}

/** A final failure that says nothing about the address (a block, a too-big message): only counted. */
export function addressFailed(prev: AddressRecord, now: number): AddressStep {
  return { address: { ...prev, failureCount: prev.failureCount + 1, updatedAt: now }, events: [] };
}

/** Back to active: the cool-off ended, or an operator said so. */
export function addressReactivated(prev: AddressRecord, now: number, by: 'cool-off' | 'operator', cause: Cause): AddressStep {
  if (prev.status === 'active') return { address: prev, events: [] };
  const next: AddressRecord = { ...prev, status: 'active', until: null, reason: null, updatedAt: now };
  return { address: next, events: [event('address.reactivated', next, now, cause, { by, previous: prev.status })] };
}
