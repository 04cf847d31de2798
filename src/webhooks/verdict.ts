import { decide } from '../classify/decision-table.ts';
import type { Classification, Reason } from '../classify/types.ts';
import type { ReplyClass } from '../smtp/types.ts';
import type { Classifier } from './types.ts';

/**
 * What a provider's own classification says (SES bounceType/bounceSubType, SparkPost
 * bounce_class, Postmark Type, Mailgun severity, SendGrid's event name), kept apart from the reply
 * text so the two can be combined by one documented rule.
 */
export interface ProviderVerdict {
  /** For the rule trail: "ses/bounce/permanent/noemail", "sparkpost/bounce-class/22". */
  id: string;
  /** The class the provider's verdict implies; believed only when the reply text has no code. */
  class: ReplyClass | null;
  /** The reason the provider's verdict names; believed only when the words name none. */
  reason?: Reason | null;
  /**
   * Settles class and reason whatever the text says: a delivered event is a success even when the
   * ESP's text is odd, a complaint is feedback.
   */
  force?: { class: ReplyClass | null; reason: Reason };
}

// Reasons that say "the words told us nothing": a provider's own reason may replace them.
const NO_REASON: ReadonlySet<Reason> = new Set(['undefined', 'onhold']);

/**
 * Classifies the reply text, then lets the provider's verdict fill in what the text does not say:
 *   1. A code in the text (basic or enhanced) decides the class; without one, the verdict's class.
 *      So an ESP's "451 4.3.2" is transient whatever the ESP called it, and a bare "mailbox
 *      unavailable" that SES calls Permanent is permanent.
 *   2. The reason the rules found in the words stands; when they found none, the verdict's reason.
 *   3. `force` (delivered, complaint) overrides both.
 * Whenever class or reason changes, type, action, retryable and hardbounce are decided again by
 * the classifier's own decision table, and the rule id records the verdict that changed them.
 */
export function classifyWithVerdict(text: string, verdict: ProviderVerdict, classify: Classifier): Classification {
  const c = classify(text);
  const hasCode = c.basic !== null || c.enhanced !== null;
  const cls = verdict.force ? verdict.force.class : hasCode ? c.class : (verdict.class ?? c.class);
  const reason = verdict.force ? verdict.force.reason : NO_REASON.has(c.reason) && verdict.reason ? verdict.reason : c.reason;
  if (cls === c.class && reason === c.reason) return c;
  const d = decide(cls, reason, c.text, c.enhanced);
  return {
    ...c,
    class: cls,
    reason,
    type: d.type,
    action: d.action,
    retryable: d.retryable,
    hardbounce: d.hardbounce,
    rule: `webhook/${verdict.id}+${c.rule}`,
  };
}
