import type { Reason } from '../../classify/types.ts';
import type { ReplyClass } from '../../smtp/types.ts';
import { buildEvent, ignoredEvent, unknownEvent } from '../build-event.ts';
import { addressOf, contentId, deliveryIdIn, field, idOf, listOf, recordOf, textOf, timeOf } from '../fields.ts';
import type { JsonRecord } from '../fields.ts';
import { WebhookPayloadError } from '../payload-error.ts';
import { describe } from '../read-payload.ts';
import { composeReply } from '../reply-text.ts';
import type { NormalizeOptions, Outcome, WebhookResult } from '../types.ts';
import type { ProviderVerdict } from '../verdict.ts';

/**
 * Amazon SES notifications, delivered by SNS: the POST body is the SNS envelope (`Type`
 * Notification, SubscriptionConfirmation or UnsubscribeConfirmation), and a Notification's
 * `Message` is the SES record as a JSON string. With SNS raw message delivery the body is the SES
 * record itself; both are read. The record is `notificationType` (notifications) or `eventType`
 * (event publishing): Bounce, Complaint, Delivery, DeliveryDelay, Reject, Send, Open, Click…
 * One record names several recipients; each becomes its own event.
 */

interface Subtype {
  reason: Reason | null;
  /** SES did not send at all (its suppression lists). */
  dropped?: boolean;
}

/** bounceType → class; Undetermined says nothing. */
const BOUNCE_TYPES: Readonly<Record<string, ReplyClass | null>> = { Permanent: 'permanent', Transient: 'transient', Undetermined: null };

/** bounceSubType → a reason (used only when the diagnostic's words name none). */
const BOUNCE_SUBTYPES: Readonly<Record<string, Subtype>> = {
  Undetermined: { reason: null },
  General: { reason: null },
  NoEmail: { reason: 'userunknown' },
  Suppressed: { reason: 'onhold', dropped: true },
  OnAccountSuppressionList: { reason: 'onhold', dropped: true },
  UnsubscribedRecipient: { reason: 'onhold', dropped: true },
  MailboxFull: { reason: 'mailboxfull' },
  MessageTooLarge: { reason: 'mesgtoobig' },
  ContentRejected: { reason: 'contenterror' },
  AttachmentRejected: { reason: 'contenterror' },
};

/** DeliveryDelay delayType → a reason. */
const DELAY_TYPES: Readonly<Record<string, Reason | null>> = {
  InternalFailure: 'systemerror',
  General: null,
  MailboxFull: 'mailboxfull',
  SpamDetected: 'spamdetected',
  RecipientServerError: 'systemerror',
  IPFailure: 'blocked',
  TransientCommunicationFailure: 'networkerror',
  BYOIPHostNameLookupUnavailable: 'networkerror',
  Undetermined: null,
  SendingDeferral: 'onhold',
};

const IGNORED = new Set(['Send', 'Open', 'Click', 'Subscription', 'Received', 'AmazonSnsSubscriptionSucceeded']);

export function normalizeSes(payload: unknown, options: NormalizeOptions): WebhookResult[] {
  const body = recordOf(payload);
  if (body === null) throw new WebhookPayloadError('ses', `expected a JSON object, got ${describe(payload)}`);
  const snsType = textOf(field(body, 'Type'), 64);
  if (snsType === 'SubscriptionConfirmation' || snsType === 'UnsubscribeConfirmation') {
    return [{
      kind: 'control',
      provider: 'ses',
      action: snsType === 'SubscriptionConfirmation' ? 'subscription-confirmation' : 'unsubscribe-confirmation',
      topicArn: idOf(field(body, 'TopicArn')),
      messageId: idOf(field(body, 'MessageId')),
      subscribeUrl: textOf(field(body, 'SubscribeURL'), 2048),
      token: textOf(field(body, 'Token'), 2048),
    }];
  }
  if (snsType === 'Notification') {
    const message = field(body, 'Message');
    let record: JsonRecord | null = null;
    if (typeof message === 'string') {
      try {
        record = recordOf(JSON.parse(message));
      } catch {
        record = null;
      }
    }
    if (record === null) return [unknownEvent('ses', 'Notification', 'SNS Message is not a JSON object (not an SES record)', { eventId: idOf(field(body, 'MessageId')) })];
    return normalizeRecord(record, options);
  }
  if (snsType !== null) return [unknownEvent('ses', snsType, 'unknown SNS message Type', { eventId: idOf(field(body, 'MessageId')) })];
  return normalizeRecord(body, options);
}

function normalizeRecord(r: JsonRecord, options: NormalizeOptions): WebhookResult[] {
  const name = textOf(field(r, 'eventType'), 64) ?? textOf(field(r, 'notificationType'), 64);
  const mail = recordOf(field(r, 'mail'));
  const mailId = idOf(field(mail, 'messageId'));
  if (name === null) return [unknownEvent('ses', null, 'no eventType or notificationType', { eventId: contentId('ses', r) })];
  if (IGNORED.has(name)) return [ignoredEvent('ses', name, 'engagement or bookkeeping event', mailId)];
  const common = {
    originalMessageId: mailId,
    deliveryId: deliveryIdIn(recordOf(field(mail, 'tags')), headerRecord(mail)),
  };

  switch (name) {
    case 'Bounce': {
      const b = recordOf(field(r, 'bounce'));
      const bounceType = textOf(field(b, 'bounceType'), 32) ?? 'Undetermined';
      const subType = textOf(field(b, 'bounceSubType'), 64) ?? 'Undetermined';
      const providerType = `Bounce/${bounceType}/${subType}`;
      if (!Object.hasOwn(BOUNCE_TYPES, bounceType)) return [unknownEvent('ses', providerType, 'unknown bounceType', { eventId: contentId('ses', r) })];
      const sub = Object.hasOwn(BOUNCE_SUBTYPES, subType) ? BOUNCE_SUBTYPES[subType]! : { reason: null };
      const feedbackId = idOf(field(b, 'feedbackId'));
      const outcome: Outcome = sub.dropped ? 'dropped' : 'bounced';
      const verdict: ProviderVerdict = { id: `ses/bounce/${bounceType.toLowerCase()}/${subType.toLowerCase()}`, class: BOUNCE_TYPES[bounceType]!, reason: sub.reason };
      return perRecipient(r, field(b, 'bouncedRecipients'), providerType, (rcpt, item) => buildEvent({
        provider: 'ses', providerType, outcome, espRetrying: false,
        eventId: feedbackId !== null ? `ses:bounce:${feedbackId}:${rcpt}` : contentId('ses', [r, rcpt]),
        recipient: rcpt,
        response: composeReply({ enhanced: textOf(field(item, 'status'), 16), text: textOf(field(item, 'diagnosticCode')) }),
        verdict, reportedAt: timeOf(field(b, 'timestamp')), destination: textOf(field(b, 'remoteMtaIp'), 64), ...common,
      }, options));
    }
    case 'DeliveryDelay': {
      const d = recordOf(field(r, 'deliveryDelay'));
      const delayType = textOf(field(d, 'delayType'), 64) ?? 'Undetermined';
      const reason = Object.hasOwn(DELAY_TYPES, delayType) ? DELAY_TYPES[delayType]! : null;
      const at = textOf(field(d, 'timestamp'), 64) ?? '';
      const providerType = `DeliveryDelay/${delayType}`;
      return perRecipient(r, field(d, 'delayedRecipients'), providerType, (rcpt, item) => buildEvent({
        provider: 'ses', providerType, outcome: 'delayed', espRetrying: true,
        eventId: mailId !== null ? `ses:delay:${mailId}:${at}:${rcpt}` : contentId('ses', [r, rcpt]),
        recipient: rcpt,
        response: composeReply({ enhanced: textOf(field(item, 'status'), 16), text: textOf(field(item, 'diagnosticCode')) }),
        verdict: { id: `ses/delivery-delay/${delayType.toLowerCase()}`, class: 'transient', reason },
        reportedAt: timeOf(field(d, 'timestamp')), destination: textOf(field(d, 'reportingMTA'), 255), ...common,
      }, options));
    }
    case 'Delivery': {
      const d = recordOf(field(r, 'delivery'));
      return perRecipient(r, field(d, 'recipients'), 'Delivery', (rcpt) => buildEvent({
        provider: 'ses', providerType: 'Delivery', outcome: 'delivered', espRetrying: false,
        eventId: mailId !== null ? `ses:delivery:${mailId}:${rcpt}` : contentId('ses', [r, rcpt]),
        recipient: rcpt,
        response: composeReply({ text: textOf(field(d, 'smtpResponse')) }),
        verdict: { id: 'ses/delivery', class: 'success', force: { class: 'success', reason: 'delivered' } },
        reportedAt: timeOf(field(d, 'timestamp')), destination: textOf(field(d, 'remoteMtaIp'), 64), ...common,
      }, options));
    }
    case 'Complaint': {
      const c = recordOf(field(r, 'complaint'));
      const feedbackId = idOf(field(c, 'feedbackId'));
      return perRecipient(r, field(c, 'complainedRecipients'), 'Complaint', (rcpt) => buildEvent({
        provider: 'ses', providerType: 'Complaint', outcome: 'complained', espRetrying: false,
        eventId: feedbackId !== null ? `ses:complaint:${feedbackId}:${rcpt}` : contentId('ses', [r, rcpt]),
        recipient: rcpt,
        response: textOf(field(c, 'complaintFeedbackType'), 200) ?? '',
        verdict: { id: 'ses/complaint', class: null, force: { class: null, reason: 'feedback' } },
        feedbackType: textOf(field(c, 'complaintFeedbackType'), 40),
        reportedAt: timeOf(field(c, 'timestamp')), destination: null, ...common,
      }, options));
    }
    case 'Reject':
    case 'Rendering Failure': {
      // SES refused to send: a virus (Reject) or a template that would not render
      const providerType = name;
      const reason: Reason = name === 'Reject' ? 'virusdetected' : 'onhold';
      const text = textOf(field(recordOf(field(r, name === 'Reject' ? 'reject' : 'failure')), name === 'Reject' ? 'reason' : 'errorMessage')) ?? '';
      return perRecipient(r, field(mail, 'destination'), providerType, (rcpt) => buildEvent({
        provider: 'ses', providerType, outcome: 'dropped', espRetrying: false,
        eventId: mailId !== null ? `ses:${name === 'Reject' ? 'reject' : 'rendering-failure'}:${mailId}:${rcpt}` : contentId('ses', [r, rcpt]),
        recipient: rcpt, response: text,
        verdict: { id: `ses/${name === 'Reject' ? 'reject' : 'rendering-failure'}`, class: 'permanent', reason },
        reportedAt: timeOf(field(mail, 'timestamp')), destination: null, ...common,
      }, options));
    }
    default:
      return [unknownEvent('ses', name, 'unknown event type', { eventId: contentId('ses', r) })];
  }
}

/** One result per recipient; a recipient entry may be an address string or `{ emailAddress, … }`. */
function perRecipient(r: JsonRecord, list: unknown, providerType: string, make: (recipient: string, item: JsonRecord | null) => WebhookResult): WebhookResult[] {
  const items = listOf(list);
  if (items.length === 0) return [unknownEvent('ses', providerType, 'no recipients listed', { eventId: contentId('ses', r) })];
  return items.map((item) => {
    const rec = recordOf(item);
    const recipient = addressOf(rec !== null ? field(rec, 'emailAddress') : item);
    return recipient === null
      ? unknownEvent('ses', providerType, 'a recipient entry without a valid address', { eventId: contentId('ses', [r, item]) })
      : make(recipient, rec);
  });
}

/** mail.headers ([{name, value}], present when "include original headers" is on) as a record. */
function headerRecord(mail: JsonRecord | null): JsonRecord | null {
  const out: JsonRecord = {};
  for (const h of listOf(field(mail, 'headers')).slice(0, 500)) {
    const name = textOf(field(recordOf(h), 'name'), 200);
    if (name !== null && name.toLowerCase() === 'x-rebound-id') out['X-Rebound-ID'] = field(recordOf(h), 'value');
  }
  return Object.keys(out).length > 0 ? out : null;
}
