import type { ReplyClass, SmtpPhase } from '../smtp/types.ts';
import type {
  AddressRecord, AddressReportRecord, AttemptRecord, AttemptSource, ClaimedDelivery, DeliveryRecord, DeliveryStatus,
  DestinationHealth, DestinationRecord, EventRecord, MessageRecord, TagSummary,
} from './types.ts';

/** Rows (snake_case columns) ↔ records, and records → statement parameters. Shared by every store. */
type Row = Record<string, unknown>;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** A tag's summary from its two queries' rows (see sql/messages.ts); null when no message has the tag. */
export function rowsToTagSummary(tag: string, head: Row | undefined, rows: readonly Row[]): TagSummary | null {
  if (!head || Number(head.messages) === 0) return null;
  return {
    tag, messages: Number(head.messages), firstAt: num(head.first_at), lastAt: num(head.last_at), complaints: Number(head.complaints ?? 0),
    rows: rows.map((r) => ({ status: String(r.status) as DeliveryStatus, reason: str(r.reason), refusedAtSubmission: str(r.refused_at_submission), count: Number(r.n) })),
  };
}

export function rowToTag(r: Row): { tag: string; messages: number; firstAt: number; lastAt: number } {
  return { tag: String(r.tag), messages: Number(r.messages), firstAt: Number(r.first_at), lastAt: Number(r.last_at) };
}

export function rowToMessage(r: Row): MessageRecord {
  return {
    id: String(r.id), from: String(r.mail_from), raw: Buffer.from(r.raw as Uint8Array),
    originalMessageId: str(r.original_message_id), tag: str(r.tag), createdAt: Number(r.created_at),
  };
}

export function rowToDelivery(r: Row): DeliveryRecord {
  return {
    id: String(r.id),
    messageId: String(r.message_id),
    recipient: String(r.recipient),
    domain: String(r.domain),
    status: r.status as DeliveryStatus,
    attempts: Number(r.attempts),
    maxAttempts: num(r.max_attempts),
    nextAttemptAt: num(r.next_attempt_at),
    firstDeferredAt: num(r.first_deferred_at),
    expiresAt: num(r.expires_at),
    lastOutcome: r.last_at === null || r.last_at === undefined ? null : {
      at: Number(r.last_at), basic: num(r.last_basic), enhanced: str(r.last_enhanced),
      class: str(r.last_class) as ReplyClass | null, reason: String(r.last_reason ?? ''), response: String(r.last_response ?? ''),
    },
    rule: str(r.rule),
    delayWarningAt: num(r.delay_warning_at),
    lockedBy: str(r.locked_by),
    lockedUntil: num(r.locked_until),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export function rowToClaimed(r: Row): ClaimedDelivery {
  return {
    id: String(r.id), messageId: String(r.message_id), recipient: String(r.recipient), domain: String(r.domain),
    attempts: Number(r.attempts), nextAttemptAt: num(r.next_attempt_at), lockedBy: str(r.locked_by), lockedUntil: num(r.locked_until),
  };
}

export function deliveryParams(d: DeliveryRecord): Record<string, unknown> {
  const o = d.lastOutcome;
  return {
    id: d.id, messageId: d.messageId, recipient: d.recipient, domain: d.domain, status: d.status,
    attempts: d.attempts, maxAttempts: d.maxAttempts, nextAttemptAt: d.nextAttemptAt,
    firstDeferredAt: d.firstDeferredAt, expiresAt: d.expiresAt,
    lastAt: o?.at ?? null, lastBasic: o?.basic ?? null, lastEnhanced: o?.enhanced ?? null,
    lastClass: o?.class ?? null, lastReason: o?.reason ?? null, lastResponse: o?.response ?? null,
    rule: d.rule, delayWarningAt: d.delayWarningAt, lockedBy: d.lockedBy, lockedUntil: d.lockedUntil,
    createdAt: d.createdAt, updatedAt: d.updatedAt,
  };
}

export function rowToAttempt(r: Row): AttemptRecord {
  return {
    id: String(r.id), deliveryId: String(r.delivery_id), n: Number(r.n), at: Number(r.at),
    source: r.source as AttemptSource, destination: str(r.destination), phase: str(r.phase) as SmtpPhase | null,
    basic: num(r.basic), enhanced: str(r.enhanced), class: str(r.class) as ReplyClass | null,
    reason: String(r.reason), response: String(r.response), durationMs: Number(r.duration_ms), rule: String(r.rule),
  };
}

export function attemptParams(a: AttemptRecord): Record<string, unknown> {
  return { ...a };
}

export function rowToAddress(r: Row): AddressRecord {
  return {
    email: String(r.email), status: r.status as AddressRecord['status'], until: num(r.until), reason: str(r.reason),
    deferralCount: Number(r.deferral_count),
    failureCount: Number(r.failure_count), hardBounceCount: Number(r.hard_bounce_count), updatedAt: Number(r.updated_at),
  };
}

export function addressParams(a: AddressRecord): Record<string, unknown> {
  return { ...a };
}

export function rowToAddressReport(r: Row): AddressReportRecord {
  return {
    id: String(r.id), email: String(r.email), at: Number(r.at), source: r.source as AttemptSource,
    provider: str(r.provider), basic: num(r.basic), enhanced: str(r.enhanced), reason: String(r.reason),
    response: String(r.response),
  };
}

export function rowToDestination(r: Row): DestinationRecord {
  return {
    domain: String(r.domain), mxHost: str(r.mx_host), health: r.health as DestinationHealth,
    suspendedUntil: num(r.suspended_until), consecutiveFailures: Number(r.consecutive_failures),
    strikes: Number(r.strikes ?? 0), level: Number(r.level ?? 0),
    attemptCount: Number(r.attempt_count), successCount: Number(r.success_count),
    failureCount: Number(r.failure_count), lastReply: str(r.last_reply), lastAt: num(r.last_at),
    updatedAt: Number(r.updated_at),
  };
}

export function rowToEvent(r: Row): EventRecord {
  return {
    id: Number(r.id), at: Number(r.at), type: String(r.type), deliveryId: str(r.delivery_id),
    recipient: str(r.recipient), domain: str(r.domain), data: JSON.parse(String(r.data)) as Record<string, unknown>,
  };
}
