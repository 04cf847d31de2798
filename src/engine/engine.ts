import { addressKey } from './address-key.ts';
import { createHash } from 'node:crypto';
import type { BounceEvent } from '../classify/bounce-event.ts';
import type { Policy } from '../policy/types.ts';
import { defaultPolicy } from '../policy/compile-policy.ts';
import type { RandomSource } from '../policy/schedule.ts';
import type { Change, Store } from '../store/store.ts';
import type { AddressRecord, AttemptSource, ClaimedDelivery, DeliveryRecord, MessageRecord, NewEvent } from '../store/types.ts';
import { RealClock, type Clock } from './clock.ts';
import type { AttemptOutcome } from './transport.ts';
import { decideDelayWarning, decideHold, decideOutcome, isComplaint, isSuccess, type DecisionContext, type OutcomeItem } from './decide-outcome.ts';
import { isDeliverableAddress, normalizeRecipients, planSubmit, SubmitError, type NewMessage } from './decide-submit.ts';

/** Addresses per suppressAddresses call: one transaction each. */
const MAX_IMPORT = 10_000;
import { ownAttemptId } from './ids.ts';
import {
  addressAt, addressDelivered, addressExhausted, addressReactivated, addressSuppressed, complaintKind, complaintSuppresses, newAddress, type AddressStep,
} from './address-lifecycle.ts';

export { SubmitError, type NewMessage };

export interface EngineOptions {
  store: Store;
  policy?: Policy;
  clock?: Clock;
  /** Uniform [0, 1) numbers for retry jitter; inject a seeded source in tests. */
  random?: RandomSource;
}

export interface SubmitResult {
  messageId: string;
  /** `rule` says why a delivery failed at once (`address/suppressed`, `address/unavailable`); null for a queued one. */
  deliveries: Array<Pick<DeliveryRecord, 'id' | 'recipient' | 'domain' | 'status' | 'rule'>>;
}

/** What recording did: whether anything changed (false: a duplicate or unknown), and the events appended. */
export interface RecordResult {
  deliveryId: string;
  applied: boolean;
  delivery: DeliveryRecord | null;
  events: NewEvent[];
}

export interface HoldRequest {
  deliveryId: string;
  /** Not claimed again before this time. */
  until: number;
}

/**
 * The heart of Rebound: every delivery moves through a durable state machine driven by
 * classified outcomes and the policy. Decisions are pure functions (decide-*.ts,
 * address-lifecycle.ts) run inside the store's transaction; the engine wires them to the store,
 * the clock and the random source. The scheduler (scheduler.ts) drives it in time.
 */
export class Engine {
  readonly store: Store;
  readonly policy: Policy;
  readonly clock: Clock;
  private readonly random: RandomSource;
  private readonly workListeners = new Set<() => void>();

  constructor(options: EngineOptions) {
    this.store = options.store;
    this.policy = options.policy ?? defaultPolicy();
    this.clock = options.clock ?? new RealClock();
    this.random = options.random ?? Math.random;
  }

  private ctx(): DecisionContext {
    return { policy: this.policy, now: this.clock.now(), random: this.random };
  }

  /** Called when new work may be due now (a submission), so a sleeping scheduler wakes. Returns an unsubscribe. */
  onWork(listener: () => void): () => void {
    this.workListeners.add(listener);
    return () => this.workListeners.delete(listener);
  }

  /**
   * Stores a message and one delivery per (distinct, lower-cased) recipient. A suppressed or
   * unavailable recipient gets a delivery that is `failed` at once, with `delivery.failed`
   * saying why. Throws SubmitError for a bad recipient list (nothing is stored).
   */
  async submit(message: NewMessage, recipients: readonly string[]): Promise<SubmitResult> {
    if (!message || typeof message.from !== 'string' || !SENDER.test(message.from)) {
      throw new SubmitError(`not a sender address: ${JSON.stringify(String(message?.from).slice(0, 100))}`);
    }
    if (message.raw === undefined || message.raw === null) throw new SubmitError('the message has no content');
    const rcpts = normalizeRecipients(recipients);
    const now = this.clock.now();
    const written = await this.store.submit(rcpts.map((r) => r.email), (addresses) => planSubmit(this.policy, now, message, rcpts, addresses));
    if (written.deliveries.some((d) => d.status === 'queued')) for (const l of this.workListeners) l();
    return {
      messageId: written.message.id,
      deliveries: written.deliveries.map(({ id, recipient, domain, status, rule }) => ({ id, recipient, domain, status, rule: status === 'failed' ? rule : null })),
    };
  }

  /** Records outcomes of our own attempts (source smtp), one transaction for the batch. Duplicates change nothing. */
  async recordOutcomes(outcomes: readonly AttemptOutcome[], source: AttemptSource = 'smtp'): Promise<RecordResult[]> {
    // Attempt ids are stored under their delivery's prefix whatever the caller chose (ids.ts)
    const items: OutcomeItem[] = outcomes.map((outcome) => {
      const src = outcome.source ?? source;
      // A complaint is keyed by its delivery and kind, not by the report: the same spam report
      // arriving twice (an ARF copy and the ESP's webhook) counts once.
      const kind = isComplaint({ outcome, source: src }) ? complaintKind(outcome.feedbackType) : null;
      return { deliveryId: outcome.deliveryId, attemptId: ownAttemptId(outcome.deliveryId, kind ? `complaint:${kind}` : outcome.attemptId), outcome, source: src };
    });
    const ctx = this.ctx();
    const changes = await this.store.record(items, (item, state) => decideOutcome(ctx, item, state));
    return items.map((item, i) => toResult(item.deliveryId, changes[i] ?? null));
  }

  /**
   * Records one outcome for a delivery: from our own SMTP attempt, or an ingested report
   * (source dsn/webhook/api) — which for a waiting delivery counts as an attempt, and for a
   * delivery already `delivered` to a relay turns a permanent bounce into `failed`.
   */
  async recordOutcome(deliveryId: string, outcome: AttemptOutcome, source: AttemptSource = 'smtp'): Promise<RecordResult> {
    const [result] = await this.recordOutcomes([{ ...outcome, deliveryId }], source);
    return result!;
  }

  /**
   * An ingested bounce (DSN, webhook). With a known delivery it is that delivery's outcome;
   * otherwise it acts on the address alone: a hard bounce suppresses it, a final `expired` report
   * (the sender's ESP or MTA gave up retrying) makes it unavailable, a transient report (a delay
   * warning, whatever its reason: Rebound calls a warning whose last attempt met a network fault
   * `expired`, as Sisimai does, while the queue is still trying) counts a deferral, a delivery
   * report clears its deferral, anything else is only logged. Idempotent by the event id.
   */
  async applyBounceEvent(event: BounceEvent): Promise<RecordResult> {
    const key = `${event.eventIdScope ?? event.source}:${event.eventId ?? digest(event)}`;
    const outcome: AttemptOutcome = {
      deliveryId: event.deliveryId ?? '', attemptId: key, at: event.at, destination: event.destination, phase: null,
      response: event.response, classification: event.classification, durationMs: 0, feedbackType: event.feedbackType,
    };
    const delivery = await this.deliveryOf(event);
    if (delivery) {
      const result = await this.recordOutcome(delivery.id, { ...outcome, deliveryId: delivery.id }, event.source);
      // nothing changed (a report for a delivery already final, a repeat): still say which it was
      return result.delivery ? result : { ...result, delivery: (await this.store.getDelivery(delivery.id)) ?? delivery };
    }
    // the address the sender wrote: before an alias or a forward rewrote it, when the report says
    const email = addressKey(event.originalRecipient || event.recipient);
    const now = this.clock.now();
    const c = event.classification;
    const change = await this.store.changeAddress(email, key, (prev) => {
      const a = addressAt(prev ?? newAddress(email, now), now);
      const why = { deliveryId: null, domain: email.slice(email.lastIndexOf('@') + 1) || null };
      let step: AddressStep = { address: { ...a, updatedAt: now }, events: [] };
      if (isSuccess(c)) step = addressDelivered(a, now, why) ?? step;
      else if (c.reason === 'feedback' && complaintSuppresses(event.feedbackType)) step = addressSuppressed(a, now, 'feedback', 'complaint', why);
      else if (c.hardbounce && c.class === 'permanent') step = addressSuppressed(a, now, c.reason, 'bounce', why);
      else if (c.reason === 'expired' && c.class !== 'transient') step = addressExhausted(a, now, this.policy.coolOff, c.reason, why);
      else if (c.class === 'transient') step = { address: { ...a, deferralCount: a.deferralCount + 1, updatedAt: now }, events: [] };
      const report = {
        id: key, email, at: event.at, source: event.source, provider: event.provider, basic: c.basic, enhanced: c.enhanced,
        reason: c.reason, response: event.response.slice(0, 10_000),
      };
      return { address: step.address, report, events: step.events } satisfies Change;
    });
    return toResult(event.deliveryId ?? '', change);
  }

  /**
   * The delivery a bounce is about: of the ids it names, the one whose recipient the report names,
   * as written or as originally sent (a forward reports the address it reached and, from the
   * ORCPT Rebound sends, the one Rebound sent to). An id whose delivery is for somebody else is
   * not taken: delivery ids travel in every message, so anyone who can send Rebound a bounce could
   * otherwise fail and suppress a stranger's delivery by naming its id. Such a bounce acts on the
   * address it names alone, as one with no id does.
   */
  private async deliveryOf(event: BounceEvent): Promise<DeliveryRecord | null> {
    const ids = (event.deliveryId ?? '').split(/\s+/).filter((id) => id.length > 0).slice(0, 100);
    const named = new Set([event.recipient, event.originalRecipient ?? ''].map(addressKey));
    for (const id of ids) {
      const d = await this.store.getDelivery(id);
      if (d && named.has(d.recipient)) return d;
    }
    return null;
  }

  /** The destination gate held these due deliveries: each waits in the queue until its `until`, its schedule and attempts untouched. */
  async hold(requests: readonly HoldRequest[]): Promise<RecordResult[]> {
    const now = this.clock.now();
    const items = requests.map((r) => ({ ...r, attemptId: null }));
    const changes = await this.store.record(items, (item, state) => decideHold(now, item.until, state));
    return items.map((item, i) => toResult(item.deliveryId, changes[i] ?? null));
  }

  /** Operator: back to active (from suppressed, unavailable or deferred). */
  async reactivateAddress(email: string): Promise<AddressRecord> {
    const e = addressKey(email);
    const now = this.clock.now();
    await this.store.changeAddress(e, null, (prev) => {
      if (!prev) return null;
      const step = addressReactivated(prev, now, 'operator', { deliveryId: null, domain: domainOf(e) });
      return step.events.length ? { address: step.address, events: step.events } : null;
    });
    return (await this.getAddress(e)) ?? newAddress(e, now);
  }

  /** Operator: suppressed until reactivated by hand. */
  async suppressAddress(email: string, reason = 'operator'): Promise<AddressRecord> {
    const e = addressKey(email);
    const now = this.clock.now();
    await this.store.changeAddress(e, null, (prev) => {
      const step = addressSuppressed(prev ?? newAddress(e, now), now, reason, 'operator', { deliveryId: null, domain: domainOf(e) });
      return step.events.length ? { address: step.address, events: step.events } : null;
    });
    return (await this.getAddress(e))!;
  }

  /**
   * Operator: many addresses suppressed at once (an import of a suppression list kept elsewhere),
   * in one transaction per call. Addresses already suppressed are left as they are; an address
   * given again in the same call is counted as a duplicate; entries that are not addresses are
   * returned, not guessed at. The four add up to the entries given.
   */
  async suppressAddresses(emails: readonly string[], reason = 'import'): Promise<{ suppressed: string[]; already: string[]; duplicates: number; invalid: string[] }> {
    if (emails.length > MAX_IMPORT) throw new SubmitError(`at most ${MAX_IMPORT} addresses per call, got ${emails.length}`);
    const invalid: string[] = [];
    const keys = new Set<string>();
    let duplicates = 0;
    for (const raw of emails) {
      const e = typeof raw === 'string' ? addressKey(raw) : '';
      // echoed back as printable text: a binary file's bytes are not worth repeating whole
      // eslint-disable-next-line no-control-regex
      if (!isDeliverableAddress(e)) invalid.push(String(raw).slice(0, 320).replace(/[\x00-\x1f\x7f]/g, '\uFFFD'));
      else if (keys.has(e)) duplicates++;
      else keys.add(e);
    }
    const list = [...keys];
    const now = this.clock.now();
    const changes = list.length ? await this.store.changeAddresses(list, (e, prev) => {
      const step = addressSuppressed(prev ?? newAddress(e, now), now, reason, 'operator', { deliveryId: null, domain: domainOf(e) });
      return step.events.length ? { address: step.address, events: step.events } : null;
    }) : [];
    return { suppressed: list.filter((_, i) => changes[i] !== null), already: list.filter((_, i) => changes[i] === null), duplicates, invalid };
  }

  /** The address as it stands now (a finished cool-off reads as active even before the sweep writes it). */
  async getAddress(email: string): Promise<AddressRecord | null> {
    const a = await this.store.getAddress(addressKey(email));
    return a ? addressAt(a, this.clock.now()) : null;
  }

  /**
   * Time-driven transitions: addresses whose cool-off ended become active
   * (`address.reactivated`), deliveries that waited too long get `delivery.delayed`.
   */
  async sweep(limit = 1000): Promise<{ reactivated: number; delayed: number }> {
    const now = this.clock.now();
    let reactivated = 0;
    for (const email of await this.store.dueReactivations(now, limit)) {
      const change = await this.store.changeAddress(email, null, (prev) => {
        if (!prev || prev.status !== 'unavailable' || prev.until === null || prev.until > now) return null;
        const step = addressReactivated(prev, now, 'cool-off', { deliveryId: null, domain: domainOf(email) });
        return { address: step.address, events: step.events };
      });
      if (change) reactivated++;
    }
    const ids = await this.store.dueDelayWarnings(now, limit);
    const changes = await this.store.record(ids.map((deliveryId) => ({ deliveryId, attemptId: null })), (_, state) => decideDelayWarning(now, state));
    const delayed = changes.filter((c) => c && c.events.length > 0).length;
    return { reactivated, delayed };
  }

  /** Leases due deliveries for a worker (see Scheduler). */
  claimDue(worker: string, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const now = this.clock.now();
    return this.store.claimDue({ now, limit, worker, lockedUntil: now + leaseMs });
  }

  nextDueAt(): Promise<number | null> {
    return this.store.nextDueAt();
  }

  getMessages(ids: readonly string[]): Promise<Map<string, MessageRecord>> {
    return this.store.getMessages(ids);
  }
}

function domainOf(email: string): string | null {
  const at = email.lastIndexOf('@');
  return at >= 0 ? email.slice(at + 1) : null;
}

function digest(e: BounceEvent): string {
  return createHash('sha256').update(JSON.stringify([e.recipient, e.deliveryId, e.at, e.response, e.classification.enhanced])).digest('hex').slice(0, 32);
}

// a sender address as it goes into MAIL FROM: local part, one @, domain; no spaces, brackets,
// quotes or control characters
const SENDER = /^[^\s@<>"\x00-\x1f\x7f]{1,64}@[^\s@<>"\x00-\x1f\x7f]{1,255}$/;

function toResult(deliveryId: string, change: Change | null): RecordResult {
  return { deliveryId, applied: change !== null, delivery: change?.delivery ?? null, events: change?.events ?? [] };
}
