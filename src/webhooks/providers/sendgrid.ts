import type { Reason } from '../../classify/types.ts';
import { buildEvent, ignoredEvent, unknownEvent } from '../build-event.ts';
import { addressOf, contentId, deliveryIdIn, field, idOf, recordOf, textOf, timeOf } from '../fields.ts';
import { composeReply } from '../reply-text.ts';
import type { NormalizeOptions, Outcome, WebhookResult } from '../types.ts';
import type { ProviderVerdict } from '../verdict.ts';
import { batchOf } from '../read-payload.ts';

/**
 * SendGrid Event Webhook: a JSON array of events, each with `event`, `email`, `timestamp` (Unix
 * seconds), `sg_event_id`, `sg_message_id`, and per type `response` (delivered, deferred),
 * `reason` + `status` (bounce, dropped), `type` bounce|blocked and `bounce_classification`
 * (bounce). Custom args appear as top-level keys (`rebound_delivery_id`).
 */

interface SendGridType {
  outcome: Outcome;
  espRetrying: boolean;
  verdict: Omit<ProviderVerdict, 'id'>;
  /** Which field holds the reply text. */
  text: 'response' | 'reason';
}

const TYPES: Readonly<Record<string, SendGridType>> = {
  // "400 try again later", with attempt: "5"; SendGrid retries for up to 72 hours
  deferred: { outcome: 'delayed', espRetrying: true, verdict: { class: 'transient' }, text: 'response' },
  delivered: { outcome: 'delivered', espRetrying: false, verdict: { class: 'success', force: { class: 'success', reason: 'delivered' } }, text: 'response' },
  // type "bounce": the receiver refused for good; "blocked": refused, usually for reputation (SendGrid's block list)
  bounce: { outcome: 'bounced', espRetrying: false, verdict: { class: 'permanent' }, text: 'reason' },
  // SendGrid never tried: its own suppression lists, an invalid address, its spam checker
  dropped: { outcome: 'dropped', espRetrying: false, verdict: { class: 'permanent', reason: 'onhold' }, text: 'reason' },
  spamreport: { outcome: 'complained', espRetrying: false, verdict: { class: null, force: { class: null, reason: 'feedback' } }, text: 'reason' },
};

/** Engagement and bookkeeping events: counted, say nothing about delivery. */
const IGNORED = new Set(['processed', 'open', 'click', 'unsubscribe', 'group_unsubscribe', 'group_resubscribe', 'account_status_change']);

/** bounce_classification → a reason, used only when the reply's words name none. */
const BOUNCE_CLASSIFICATION: Readonly<Record<string, Reason | null>> = {
  'Invalid Address': 'userunknown',
  Reputation: 'badreputation',
  Content: 'contenterror',
  'Frequency or Volume': 'speeding',
  'Mailbox Unavailable': null,
  Technical: null,
  Unclassified: null,
};

/** dropped `reason` → a reason: only SendGrid's spam checker says something about the message. */
// Drops because the address is on one of SendGrid's suppression lists (event.md): SendGrid sent
// nothing, and its words ("Spam Reporting Address") are no server's reply
const LIST_DROPS: ReadonlySet<string> = new Set(['Bounced Address', 'Unsubscribed Address', 'Spam Reporting Address']);

const DROPPED_REASONS: Readonly<Record<string, Reason>> = {
  'Spam Content (if spam checker app enabled)': 'spamdetected',
  'Spam Content': 'spamdetected',
};

export function normalizeSendGrid(payload: unknown, options: NormalizeOptions): WebhookResult[] {
  return batchOf('sendgrid', payload, options.limits).map((item) => normalizeOne(item, options));
}

function normalizeOne(item: unknown, options: NormalizeOptions): WebhookResult {
  const e = recordOf(item);
  const name = textOf(field(e, 'event'), 64);
  const eventId = idOf(field(e, 'sg_event_id'));
  if (e === null || name === null) return unknownEvent('sendgrid', null, 'not a SendGrid event (no "event" field)', { eventId });
  if (IGNORED.has(name)) return ignoredEvent('sendgrid', name, 'engagement or bookkeeping event', eventId);
  const type = Object.hasOwn(TYPES, name) ? TYPES[name]! : null;
  const recipient = addressOf(field(e, 'email'));
  if (type === null) return unknownEvent('sendgrid', name, 'unknown event type', { eventId, recipient });
  if (recipient === null) return unknownEvent('sendgrid', name, 'no valid recipient address in "email"', { eventId });

  const bounceType = name === 'bounce' ? textOf(field(e, 'type'), 32) ?? 'bounce' : null;
  const classification = textOf(field(e, 'bounce_classification'), 64);
  const droppedReason = textOf(field(e, 'reason'), 200);
  let reason: Reason | null | undefined = type.verdict.reason;
  if (bounceType === 'blocked') reason = 'blocked';
  if (classification !== null && Object.hasOwn(BOUNCE_CLASSIFICATION, classification)) reason = BOUNCE_CLASSIFICATION[classification] ?? reason;
  if (name === 'dropped' && droppedReason !== null && Object.hasOwn(DROPPED_REASONS, droppedReason)) reason = DROPPED_REASONS[droppedReason];

  const providerType = bounceType !== null ? `bounce/${bounceType}` : name;
  const verdictId = ['sendgrid', providerType, classification?.toLowerCase().replace(/[^a-z0-9]+/g, '-')].filter(Boolean).join('/');
  return buildEvent({
    provider: 'sendgrid',
    providerType,
    outcome: type.outcome,
    espRetrying: type.espRetrying,
    eventId: eventId !== null ? `sendgrid:${eventId}` : contentId('sendgrid', item),
    recipient,
    response: composeReply({ enhanced: textOf(field(e, 'status'), 16), text: textOf(field(e, type.text)) }),
    verdict: name === 'dropped' && droppedReason !== null && LIST_DROPS.has(droppedReason)
      ? { id: verdictId, class: 'permanent', force: { class: 'permanent', reason: 'onhold' } }
      : { ...type.verdict, id: verdictId, reason },
    reportedAt: timeOf(field(e, 'timestamp')),
    deliveryId: deliveryIdIn(e, recordOf(field(e, 'unique_args')), recordOf(field(e, 'custom_args'))),
    originalMessageId: idOf(field(e, 'sg_message_id')) ?? idOf(field(e, 'smtp-id')),
    destination: null,
  }, options);
}
