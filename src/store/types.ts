import type { ReplyClass, SmtpPhase } from '../smtp/types.ts';

/** Rows as the engine sees them. Times are epoch milliseconds in the engine's clock. */

export type DeliveryStatus = 'queued' | 'deferred' | 'delivered' | 'failed';
export const FINAL_STATUSES: readonly DeliveryStatus[] = ['delivered', 'failed'];
export type AddressStatus = 'active' | 'deferred' | 'unavailable' | 'suppressed';
export type DestinationHealth = 'open' | 'suspended' | 'probing';

export interface MessageRecord {
  id: string;
  from: string;
  raw: Buffer;
  /** The sender's own Message-ID header, when the message has one. */
  originalMessageId: string | null;
  /** The sender's label for the send it belongs to (a campaign, a stream), or null. */
  tag: string | null;
  createdAt: number;
}

/** How the deliveries of every message with one tag stand (`GET /v1/tags/:tag`). */
export interface TagSummary {
  tag: string;
  messages: number;
  firstAt: number | null;
  lastAt: number | null;
  /** Deliveries with a spam report (once per delivery). */
  complaints: number;
  /** Deliveries by status, by their last reason (null before any reply), and by a refusal at submission. */
  rows: Array<{ status: DeliveryStatus; reason: string | null; refusedAtSubmission: string | null; count: number }>;
}

/** The reply (or report) that decided a delivery's latest step. */
export interface OutcomeSummary {
  at: number;
  basic: number | null;
  enhanced: string | null;
  class: ReplyClass | null;
  reason: string;
  response: string;
}

export interface DeliveryRecord {
  id: string;
  messageId: string;
  /** Lower-cased address. */
  recipient: string;
  /** Recipient domain, lower-case. */
  domain: string;
  status: DeliveryStatus;
  /** Attempts made (own SMTP tries and ingested reports that counted as one). */
  attempts: number;
  /** Set by the policy rule at the first deferral; null while no rule has limited it. */
  maxAttempts: number | null;
  /** When the next attempt is due; null once the delivery is final. */
  nextAttemptAt: number | null;
  firstDeferredAt: number | null;
  /** No retry is scheduled after this time (the rule's maximum age from creation). */
  expiresAt: number | null;
  lastOutcome: OutcomeSummary | null;
  /** Id of the policy rule that decided the latest step. */
  rule: string | null;
  /** When `delivery.delayed` is due if the delivery is still waiting; null when off or sent. */
  delayWarningAt: number | null;
  lockedBy: string | null;
  lockedUntil: number | null;
  createdAt: number;
  updatedAt: number;
}

export type AttemptSource = 'smtp' | 'dsn' | 'webhook' | 'api' | 'resend';

/** One try of a delivery, or one ingested report about it. Append-only. */
export interface AttemptRecord {
  /** Idempotency key: recording the same id twice changes nothing. */
  id: string;
  deliveryId: string;
  /** 1-based attempt number this outcome counted as (0 for a report on a final delivery). */
  n: number;
  at: number;
  source: AttemptSource;
  destination: string | null;
  phase: SmtpPhase | null;
  basic: number | null;
  enhanced: string | null;
  class: ReplyClass | null;
  reason: string;
  response: string;
  durationMs: number;
  /** Classifier rule, then policy rule: "enhanced/4.3.2 → seed/4.3.2". */
  rule: string;
}

export interface AddressRecord {
  /** Lower-cased address. */
  email: string;
  status: AddressStatus;
  /** For `unavailable`: when it becomes `active` again by itself. */
  until: number | null;
  /** Why it has its status (a reason name, "operator", …). */
  reason: string | null;
  deferralCount: number;
  failureCount: number;
  hardBounceCount: number;
  updatedAt: number;
}

export interface DestinationRecord {
  /** Recipient domain, lower-case. */
  domain: string;
  /** The MX host (or relay) that answered last. */
  mxHost: string | null;
  health: DestinationHealth;
  suspendedUntil: number | null;
  /** Failed attempts of any kind since the last success (the engine's count, for people). */
  consecutiveFailures: number;
  /** The gate's destination-level failures in a row while open: `suspend.after` of them suspend it. */
  strikes: number;
  /** The gate's failed probes in a row in the current incident: the suspension's backoff exponent. */
  level: number;
  attemptCount: number;
  successCount: number;
  failureCount: number;
  lastReply: string | null;
  lastAt: number | null;
  updatedAt: number;
}

/** What one attempt taught about a destination; the store adds it to the counters. */
export interface DestinationObservation {
  domain: string;
  mxHost: string | null;
  at: number;
  success: boolean;
  reply: string;
}

/** One report about an address with no known delivery (a bounce for mail sent elsewhere). */
export interface AddressReportRecord {
  /** Idempotency key (the provider's event id, or a digest of the report). */
  id: string;
  email: string;
  at: number;
  source: AttemptSource;
  provider: string | null;
  basic: number | null;
  enhanced: string | null;
  reason: string;
  response: string;
}

export interface EventRecord {
  /** Increasing; the outbox cursor. */
  id: number;
  at: number;
  type: string;
  deliveryId: string | null;
  recipient: string | null;
  domain: string | null;
  data: Record<string, unknown>;
}

export type NewEvent = Omit<EventRecord, 'id'>;

/** What a claim returns: what a worker needs to make the attempt (the rest is read when recording). */
export type ClaimedDelivery = Pick<DeliveryRecord, 'id' | 'messageId' | 'recipient' | 'domain' | 'attempts' | 'nextAttemptAt' | 'lockedBy' | 'lockedUntil'>;
