import type { Reason } from '../../classify/types.ts';
import type { ReplyClass } from '../../smtp/types.ts';
import { buildEvent, ignoredEvent, unknownEvent } from '../build-event.ts';
import { addressOf, contentId, deliveryIdIn, field, idOf, intOf, recordOf, textOf, timeOf } from '../fields.ts';
import { batchOf } from '../read-payload.ts';
import { composeReply } from '../reply-text.ts';
import type { NormalizeOptions, Outcome, WebhookResult } from '../types.ts';
import type { ProviderVerdict } from '../verdict.ts';

/**
 * SparkPost webhooks: a JSON array of `{ msys: { <group>: {...} } }`, the group being
 * message_event (injection, delivery, bounce, delay, out_of_band, policy_rejection, spam_complaint,
 * generation_failure, …), track_event, gen_event, unsubscribe_event or relay_event. Events carry
 * `type`, `event_id`, `rcpt_to`, `timestamp` (Unix seconds as a string), `message_id`, and on
 * failures `bounce_class`, `reason`/`raw_reason` (the server's reply) and `error_code`.
 * A webhook test sends `[{"msys":{}}]`.
 */

interface MessageEventType {
  outcome: Outcome;
  espRetrying: boolean;
  verdict: Omit<ProviderVerdict, 'id'>;
}

const MESSAGE_EVENTS: Readonly<Record<string, MessageEventType>> = {
  delay: { outcome: 'delayed', espRetrying: true, verdict: { class: 'transient' } },
  bounce: { outcome: 'bounced', espRetrying: false, verdict: { class: null } },
  // a bounce that came back by email after SparkPost's server had accepted the message
  out_of_band: { outcome: 'bounced', espRetrying: false, verdict: { class: null } },
  delivery: { outcome: 'delivered', espRetrying: false, verdict: { class: 'success', force: { class: 'success', reason: 'delivered' } } },
  // SparkPost's own refusals ("recipient address was suppressed due to customer policy (Spam
  // Complaint)"): no receiving server spoke, so its words are not classified as a reply
  policy_rejection: { outcome: 'dropped', espRetrying: false, verdict: { class: 'permanent', force: { class: 'permanent', reason: 'onhold' } } },
  generation_failure: { outcome: 'dropped', espRetrying: false, verdict: { class: 'permanent', force: { class: 'permanent', reason: 'onhold' } } },
  generation_rejection: { outcome: 'dropped', espRetrying: false, verdict: { class: 'permanent', force: { class: 'permanent', reason: 'onhold' } } },
  spam_complaint: { outcome: 'complained', espRetrying: false, verdict: { class: null, force: { class: null, reason: 'feedback' } } },
};

const IGNORED_MESSAGE_EVENTS = new Set(['injection', 'sms_status', 'amp_click', 'amp_open', 'amp_initial_open']);
const IGNORED_GROUPS = new Set(['track_event', 'unsubscribe_event', 'relay_event', 'ab_test_event', 'ingest_event']);

interface BounceClass {
  name: string;
  class: ReplyClass | null;
  reason: Reason | null;
  /** Not about delivery: subscribe/unsubscribe requests and challenge-response mail. */
  ignore?: boolean;
  outcome?: Outcome;
  force?: boolean;
}

/**
 * SparkPost's bounce classification codes (its categories Soft/Hard/Block/Admin/Undetermined
 * give the class; the name gives a reason where it is specific).
 */
const BOUNCE_CLASSES: Readonly<Record<string, BounceClass>> = {
  '1': { name: 'undetermined', class: null, reason: null },
  '10': { name: 'invalid-recipient', class: 'permanent', reason: 'userunknown' },
  '20': { name: 'soft-bounce', class: 'transient', reason: null },
  '21': { name: 'dns-failure', class: 'transient', reason: 'networkerror' },
  '22': { name: 'mailbox-full', class: 'transient', reason: 'mailboxfull' },
  '23': { name: 'too-large', class: 'transient', reason: 'mesgtoobig' },
  '24': { name: 'timeout', class: 'transient', reason: 'expired' },
  // SparkPost's own policy failed it (e.g. its suppression list)
  '25': { name: 'admin-failure', class: 'permanent', reason: 'onhold', outcome: 'dropped' },
  '26': { name: 'smart-send-suppression', class: 'permanent', reason: 'onhold', outcome: 'dropped' },
  '30': { name: 'generic-bounce-no-rcpt', class: 'permanent', reason: null },
  '40': { name: 'generic-bounce', class: 'transient', reason: null },
  '50': { name: 'mail-block', class: 'permanent', reason: 'blocked' },
  '51': { name: 'spam-block', class: 'permanent', reason: 'blocked' },
  '52': { name: 'spam-content', class: 'permanent', reason: 'spamdetected' },
  '53': { name: 'prohibited-attachment', class: 'permanent', reason: 'policyviolation' },
  '54': { name: 'relaying-denied', class: 'permanent', reason: 'norelaying' },
  '60': { name: 'auto-reply', class: null, reason: 'vacation', outcome: 'auto-replied', force: true },
  '70': { name: 'transient-failure', class: 'transient', reason: null },
  '80': { name: 'subscribe', class: null, reason: null, ignore: true },
  '90': { name: 'unsubscribe', class: null, reason: null, ignore: true },
  '100': { name: 'challenge-response', class: null, reason: null, ignore: true },
};

export function normalizeSparkPost(payload: unknown, options: NormalizeOptions): WebhookResult[] {
  return batchOf('sparkpost', payload, options.limits).map((item) => normalizeOne(item, options));
}

function normalizeOne(item: unknown, options: NormalizeOptions): WebhookResult {
  const msys = recordOf(field(recordOf(item), 'msys'));
  if (msys === null) return unknownEvent('sparkpost', null, 'not a SparkPost event (no "msys" object)');
  const groups = Object.keys(msys);
  if (groups.length === 0) return ignoredEvent('sparkpost', 'ping', 'the webhook test ping');
  const group = groups[0]!;
  const e = recordOf(msys[group]);
  const name = textOf(field(e, 'type'), 64);
  const id = idOf(field(e, 'event_id'));
  const eventId = id !== null ? `sparkpost:${id}` : contentId('sparkpost', item);
  if (IGNORED_GROUPS.has(group)) return ignoredEvent('sparkpost', `${group}/${name ?? '?'}`, 'engagement or relay event', eventId);
  if (group !== 'message_event' && group !== 'gen_event') return unknownEvent('sparkpost', group, 'unknown event group', { eventId });
  if (name !== null && IGNORED_MESSAGE_EVENTS.has(name)) return ignoredEvent('sparkpost', name, 'bookkeeping event', eventId);
  const type = name !== null && Object.hasOwn(MESSAGE_EVENTS, name) ? MESSAGE_EVENTS[name]! : null;
  const recipient = addressOf(field(e, 'rcpt_to')) ?? addressOf(field(e, 'raw_rcpt_to'));
  if (type === null) return unknownEvent('sparkpost', name, 'unknown event type', { eventId, recipient });

  const code = textOf(field(e, 'bounce_class'), 8);
  const bounceClass = code !== null && Object.hasOwn(BOUNCE_CLASSES, code) ? BOUNCE_CLASSES[code]! : null;
  let providerType = name!;
  let outcome = type.outcome;
  let verdict: ProviderVerdict = { ...type.verdict, id: `sparkpost/${name}` };
  if (bounceClass !== null && (name === 'bounce' || name === 'out_of_band' || name === 'delay')) {
    providerType = `${name}/${code}`;
    if (bounceClass.ignore) return ignoredEvent('sparkpost', providerType, `bounce class ${code} (${bounceClass.name}) is not about delivery`, eventId);
    verdict = bounceClass.force
      ? { id: `sparkpost/bounce-class/${code}`, class: bounceClass.class, force: { class: bounceClass.class, reason: bounceClass.reason! } }
      : { id: `sparkpost/bounce-class/${code}`, class: name === 'delay' ? 'transient' : bounceClass.class, reason: bounceClass.reason };
    if (name !== 'delay') outcome = bounceClass.outcome ?? outcome;
  }
  if (recipient === null) return unknownEvent('sparkpost', providerType, 'no valid recipient address in "rcpt_to"', { eventId });
  const raw = textOf(field(e, 'raw_reason')) ?? textOf(field(e, 'reason'));
  return buildEvent({
    provider: 'sparkpost',
    providerType,
    outcome,
    espRetrying: type.espRetrying,
    eventId,
    recipient,
    response: composeReply({ basic: intOf(field(e, 'error_code')), text: raw }),
    verdict,
    reportedAt: timeOf(field(e, 'timestamp')),
    deliveryId: deliveryIdIn(recordOf(field(e, 'rcpt_meta')), recordOf(field(e, 'transmission_meta'))),
    originalMessageId: idOf(field(e, 'message_id')),
    destination: null,
    feedbackType: name === 'spam_complaint' ? textOf(field(e, 'fbtype'), 40) : null,
  }, options);
}
