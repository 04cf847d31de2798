/**
 * The outbox vocabulary: every transition appends exactly one of these, in the same transaction
 * as the state it describes, so webhooks and the audit log never disagree with the tables.
 */
export const EVENT_TYPES = [
  'delivery.deferred', // a transient outcome; the delivery will be retried
  'delivery.retry_scheduled', // when the next attempt is due (after a deferral, or a gate hold)
  'delivery.delayed', // once, when a delivery has waited longer than the policy's delayWarning
  'delivery.delivered', // data.attempts: how many attempts it took
  'delivery.failed', // final; data.cause says why, data.action what the sender should do
  'delivery.complained', // the recipient reported it: data.kind spam | unsubscribe (once per delivery and kind)
  'address.unavailable', // retries ran out; data.until ends the cool-off
  'address.reactivated', // back to active: data.by = cool-off | operator | delivery
  'address.suppressed', // a hard bounce, or by hand: data.by = bounce | operator
  'destination.suspended', // the gate stopped sending to a domain: data.until, trigger, reply, extended
  'destination.resumed', // a probe got through: data.downtimeMs (the incident's resolution time), probes
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Why a delivery failed. */
export type FailureCause =
  | 'permanent' // the outcome is final under the policy (no retry)
  | 'exhausted' // the rule's attempts ran out
  | 'expired' // the next retry would fall after the rule's maximum age
  | 'address-suppressed' // refused at submission
  | 'address-unavailable' // refused at submission, during a cool-off
  | 'bounced-after-delivery'; // a relay accepted it, then a bounce report came back
