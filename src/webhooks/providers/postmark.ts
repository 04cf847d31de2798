import type { Reason } from '../../classify/types.ts';
import type { ReplyClass } from '../../smtp/types.ts';
import { buildEvent, ignoredEvent, unknownEvent } from '../build-event.ts';
import { addressOf, contentId, deliveryIdIn, field, idOf, recordOf, textOf, timeOf } from '../fields.ts';
import { WebhookPayloadError } from '../payload-error.ts';
import { describe } from '../read-payload.ts';
import { composeReply } from '../reply-text.ts';
import type { NormalizeOptions, Outcome, WebhookResult } from '../types.ts';

/**
 * Postmark webhooks: one JSON object per POST, told apart by `RecordType` (Bounce, Delivery,
 * SpamComplaint, Open, Click, SubscriptionChange). A Bounce has a numeric `ID`, a `Type`
 * (HardBounce, SoftBounce, Transient, DnsError, …), `Email`, `Details` (the server's reply, often
 * "smtp;550 5.1.1 …"), `Description` (Postmark's words) and `BouncedAt`; a Delivery has
 * `Recipient`, `Details` and `DeliveredAt`. `Metadata` holds the sender's key/values.
 */

interface BounceType {
  outcome: Outcome;
  class: ReplyClass | null;
  reason?: Reason | null;
  espRetrying?: boolean;
  /** Settles the reason whatever the text says (auto-replies, complaints). */
  force?: boolean;
}

/** Postmark's bounce Type → what it implies. null: not about delivery (kept as "ignored"). */
const BOUNCE_TYPES: Readonly<Record<string, BounceType | null>> = {
  HardBounce: { outcome: 'bounced', class: 'permanent', reason: 'userunknown' },
  // "Message delayed": Postmark keeps trying
  Transient: { outcome: 'delayed', class: 'transient', espRetrying: true },
  SoftBounce: { outcome: 'bounced', class: 'transient' },
  // "A temporary DNS error"
  DnsError: { outcome: 'bounced', class: 'transient', reason: 'networkerror' },
  AddressChange: { outcome: 'bounced', class: 'permanent', reason: 'hasmoved' },
  AutoResponder: { outcome: 'auto-replied', class: null, reason: 'vacation', force: true },
  SpamNotification: { outcome: 'bounced', class: 'permanent', reason: 'spamdetected' },
  VirusNotification: { outcome: 'bounced', class: 'permanent', reason: 'virusdetected' },
  BadEmailAddress: { outcome: 'bounced', class: 'permanent', reason: 'userunknown' },
  Blocked: { outcome: 'bounced', class: 'permanent', reason: 'blocked' },
  DMARCPolicy: { outcome: 'bounced', class: 'permanent', reason: 'authfailure' },
  SpamComplaint: { outcome: 'complained', class: null, reason: 'feedback', force: true },
  Unknown: { outcome: 'bounced', class: null },
  // Postmark did not send: its inactive list, an unconfirmed sender, a failed template
  ManuallyDeactivated: { outcome: 'dropped', class: 'permanent', reason: 'onhold' },
  Unconfirmed: { outcome: 'dropped', class: 'permanent', reason: 'onhold' },
  SMTPApiError: { outcome: 'dropped', class: 'permanent', reason: 'onhold' },
  TemplateRenderingFailed: { outcome: 'dropped', class: 'permanent', reason: 'onhold' },
  Unsubscribe: null,
  Subscribe: null,
  OpenRelayTest: null,
  ChallengeVerification: null,
  InboundError: null,
};

const IGNORED_RECORDS = new Set(['Open', 'Click', 'SubscriptionChange', 'Inbound']);

export function normalizePostmark(payload: unknown, options: NormalizeOptions): WebhookResult[] {
  const r = recordOf(payload);
  if (r === null) throw new WebhookPayloadError('postmark', `expected a JSON object, got ${describe(payload)}`);
  return [normalizeRecord(r, options)];
}

function normalizeRecord(r: Record<string, unknown>, options: NormalizeOptions): WebhookResult {
  const recordType = textOf(field(r, 'RecordType'), 64);
  const messageId = idOf(field(r, 'MessageID'));
  const metadata = recordOf(field(r, 'Metadata'));
  if (recordType === null) return unknownEvent('postmark', null, 'no "RecordType"', { eventId: contentId('postmark', r) });
  if (IGNORED_RECORDS.has(recordType)) return ignoredEvent('postmark', recordType, 'engagement or subscription event', messageId);

  if (recordType === 'Delivery') {
    const recipient = addressOf(field(r, 'Recipient'));
    const eventId = messageId !== null && recipient !== null ? `postmark:delivery:${messageId}:${recipient}` : contentId('postmark', r);
    if (recipient === null) return unknownEvent('postmark', 'Delivery', 'no valid recipient address in "Recipient"', { eventId });
    return buildEvent({
      provider: 'postmark', providerType: 'Delivery', outcome: 'delivered', espRetrying: false, eventId, recipient,
      response: composeReply({ text: textOf(field(r, 'Details')) }),
      verdict: { id: 'postmark/delivery', class: 'success', force: { class: 'success', reason: 'delivered' } },
      reportedAt: timeOf(field(r, 'DeliveredAt')),
      deliveryId: deliveryIdIn(metadata), originalMessageId: messageId, destination: null,
    }, options);
  }

  if (recordType === 'Bounce' || recordType === 'SpamComplaint') {
    const type = textOf(field(r, 'Type'), 64) ?? (recordType === 'SpamComplaint' ? 'SpamComplaint' : null);
    const id = idOf(field(r, 'ID'));
    const recipient = addressOf(field(r, 'Email'));
    const eventId = id !== null ? `postmark:${recordType === 'Bounce' ? 'bounce' : 'complaint'}:${id}` : contentId('postmark', r);
    const providerType = `${recordType}/${type ?? '?'}`;
    if (type === null || !Object.hasOwn(BOUNCE_TYPES, type)) return unknownEvent('postmark', providerType, 'unknown bounce Type', { eventId, recipient });
    const known = BOUNCE_TYPES[type];
    if (!known) return ignoredEvent('postmark', providerType, 'a bounce type that says nothing about delivery', eventId);
    if (recipient === null) return unknownEvent('postmark', providerType, 'no valid recipient address in "Email"', { eventId });
    const verdictId = `postmark/${type.toLowerCase()}`;
    return buildEvent({
      provider: 'postmark', providerType, outcome: known.outcome, espRetrying: known.espRetrying ?? false, eventId, recipient,
      // Details carries the server's reply when there was one; Description is Postmark's generic
      // explanation of the Type: kept for people, not classified
      response: composeReply({ text: textOf(field(r, 'Details')) ?? textOf(field(r, 'Description')) }),
      classifyText: composeReply({ text: textOf(field(r, 'Details')) }),
      verdict: known.force
        ? { id: verdictId, class: known.class, force: { class: known.class, reason: known.reason! } }
        : { id: verdictId, class: known.class, reason: known.reason ?? null },
      reportedAt: timeOf(field(r, 'BouncedAt')),
      deliveryId: deliveryIdIn(metadata), originalMessageId: messageId, destination: null,
    }, options);
  }
  return unknownEvent('postmark', recordType, 'unknown RecordType', { eventId: contentId('postmark', r) });
}
