import type { Reason } from '../../classify/types.ts';
import { buildEvent, ignoredEvent, unknownEvent } from '../build-event.ts';
import { addressOf, contentId, deliveryIdIn, field, idOf, intOf, recordOf, textOf, timeOf } from '../fields.ts';
import { WebhookPayloadError } from '../payload-error.ts';
import { describe } from '../read-payload.ts';
import { composeReply } from '../reply-text.ts';
import type { NormalizeOptions, Outcome, WebhookResult } from '../types.ts';

/**
 * Mailgun webhooks: one JSON object per POST, `{ signature: {timestamp, token, signature},
 * "event-data": {...} }`. event-data has `event`, `id`, `timestamp` (float Unix seconds),
 * `recipient`, and for failed/delivered a `delivery-status` `{code, message, description,
 * enhanced-code?, mx-host}`; a failure carries `severity` temporary|permanent and a `reason`.
 */

/** failed `reason` values that mean Mailgun did not try at all: its own suppression lists. */
const SUPPRESSED = new Set(['suppress-bounce', 'suppress-unsubscribe', 'suppress-complaint']);

/** failed `reason` → a reason, used only when the reply's words name none. */
const FAILED_REASONS: Readonly<Record<string, Reason>> = {
  // Mailgun gave up retrying: the message grew too old
  old: 'expired',
  espblock: 'blocked',
  'suppress-bounce': 'onhold',
  'suppress-unsubscribe': 'onhold',
  'suppress-complaint': 'onhold',
};

const IGNORED = new Set(['accepted', 'opened', 'clicked', 'unsubscribed', 'stored', 'list_member_uploaded', 'list_uploaded']);

export function normalizeMailgun(payload: unknown, options: NormalizeOptions): WebhookResult[] {
  const body = recordOf(payload);
  if (body === null) throw new WebhookPayloadError('mailgun', `expected a JSON object, got ${describe(payload)}`);
  const data = recordOf(field(body, 'event-data'));
  if (data === null) throw new WebhookPayloadError('mailgun', 'no "event-data" object (only the JSON webhook format is read)');
  return [normalizeEventData(data, options)];
}

function normalizeEventData(d: Record<string, unknown>, options: NormalizeOptions): WebhookResult {
  const name = textOf(field(d, 'event'), 64);
  const id = idOf(field(d, 'id'));
  const reportedAt = timeOf(field(d, 'timestamp'));
  // Mailgun's event id is unique only within a day: its timestamp makes the key unique for good.
  const eventId = id !== null ? `mailgun:${id}${reportedAt !== null ? `@${reportedAt}` : ''}` : contentId('mailgun', d);
  if (name === null) return unknownEvent('mailgun', null, 'no "event" in event-data', { eventId });
  if (IGNORED.has(name)) return ignoredEvent('mailgun', name, 'engagement or bookkeeping event', eventId);
  const recipient = addressOf(field(d, 'recipient'));

  const status = recordOf(field(d, 'delivery-status'));
  const severity = textOf(field(d, 'severity'), 32);
  const failReason = textOf(field(d, 'reason'), 64);
  let outcome: Outcome;
  let espRetrying = false;
  let providerType = name;
  let verdict;
  if (name === 'delivered') {
    outcome = 'delivered';
    verdict = { id: 'mailgun/delivered', class: 'success' as const, force: { class: 'success' as const, reason: 'delivered' as const } };
  } else if (name === 'failed' && (severity === 'temporary' || severity === 'permanent')) {
    providerType = `failed/${severity}${failReason ? `/${failReason}` : ''}`;
    const suppressed = failReason !== null && SUPPRESSED.has(failReason);
    outcome = severity === 'temporary' ? 'delayed' : suppressed ? 'dropped' : 'bounced';
    espRetrying = severity === 'temporary';
    const reason = failReason !== null && Object.hasOwn(FAILED_REASONS, failReason) ? FAILED_REASONS[failReason] : null;
    // a suppression-list drop was never attempted: Mailgun's words ("Not delivering to a user who
    // marked your messages as spam") are its own, not a receiving server's
    verdict = suppressed
      ? { id: `mailgun/${providerType}`, class: 'permanent' as const, force: { class: 'permanent' as const, reason: 'onhold' as const } }
      : { id: `mailgun/${providerType}`, class: severity === 'temporary' ? 'transient' as const : 'permanent' as const, reason };
  } else if (name === 'rejected') {
    // Mailgun refused to send it at all (a bad request, a suppressed domain)
    outcome = 'dropped';
    verdict = { id: 'mailgun/rejected', class: 'permanent' as const, reason: 'onhold' as const };
  } else if (name === 'complained') {
    outcome = 'complained';
    verdict = { id: 'mailgun/complained', class: null, force: { class: null, reason: 'feedback' as const } };
  } else {
    return unknownEvent('mailgun', name === 'failed' ? `failed/${severity ?? '?'}` : name, name === 'failed' ? 'failed event without a severity of temporary or permanent' : 'unknown event type', { eventId, recipient });
  }
  if (recipient === null) return unknownEvent('mailgun', providerType, 'no valid recipient address in "recipient"', { eventId });

  const rejectReason = recordOf(field(d, 'reject'));
  const message = recordOf(field(d, 'message'));
  const headers = recordOf(field(message, 'headers'));
  return buildEvent({
    provider: 'mailgun',
    providerType,
    outcome,
    espRetrying,
    eventId,
    recipient,
    response: composeReply({
      basic: intOf(field(status, 'code')),
      enhanced: textOf(field(status, 'enhanced-code'), 16),
      text: textOf(field(status, 'message')) ?? textOf(field(status, 'description')) ?? textOf(field(rejectReason, 'description')),
    }),
    verdict,
    reportedAt,
    deliveryId: deliveryIdIn(recordOf(field(d, 'user-variables')), headers),
    originalMessageId: idOf(field(headers, 'message-id')),
    destination: textOf(field(status, 'mx-host'), 255),
  }, options);
}
