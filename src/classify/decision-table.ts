import type { ReplyClass } from '../smtp/types.ts';
import type { Action, BounceType, Reason } from './types.ts';

/**
 * What to do, kept apart from why. The rules only name the reason; whether the address is bad
 * (`hardbounce`), whether to try again (`retryable`) and what to do (`type`, `action`) follow from
 * the class and the reason through the tables below. docs/classification.md shows them as tables.
 */

/** Reasons that say the address itself is bad (Sisimai's rule, so results compare). */
export const ADDRESS_REASONS: ReadonlySet<Reason> = new Set(['userunknown', 'hostunknown', 'hasmoved']);

/** Permanent refusals the sender can fix: reputation, authentication, content, policy, rate. */
export const SENDER_SIDE_REASONS: ReadonlySet<Reason> = new Set([
  'authfailure', 'badreputation', 'blocked', 'contenterror', 'filtered', 'mesgtoobig', 'exceedlimit',
  'norelaying', 'notcompliantrfc', 'policyviolation', 'rejected', 'requireptr', 'securityerror',
  'spamdetected', 'speeding', 'syntaxerror', 'toomanyconn', 'virusdetected',
]);

/**
 * When a reply carries no code at all (text from a bounce body, a hand-typed reason), the class a
 * reason implies decides. Conditions that pass by themselves imply transient; not knowing implies
 * nothing; the rest are what a server says when it refuses for good.
 */
const TRANSIENT_REASONS: ReadonlySet<Reason> = new Set(['networkerror', 'systemfull', 'speeding', 'toomanyconn']);
const NO_CLASS_REASONS: ReadonlySet<Reason> = new Set(['undefined', 'onhold', 'delivered', 'feedback', 'vacation']);

export function impliedClass(reason: Reason): ReplyClass | null {
  if (reason === 'delivered') return 'success';
  if (NO_CLASS_REASONS.has(reason)) return null;
  return TRANSIENT_REASONS.has(reason) ? 'transient' : 'permanent';
}

// Sisimai: notaccept is soft only when the code is 4xx or the text says temporary. A server that
// says it is "currently" unavailable or down for maintenance describes its own passing state, not
// a domain that never takes mail, so those words keep a 5xx from suppressing the address too.
const SAYS_TEMPORARY = /temporar|currently|maintenance/i;

/**
 * Sisimai's hardbounce rule (ARCHITECTURE.md): the address is bad, whatever the class. A
 * `notaccept` under a 4.x.x enhanced code is not hard even when the basic code is 5xx: Exchange
 * writes "550 4.3.2 QUEUE.Admin; message deleted by administrative action", and a 4.3.2 says the
 * system is not accepting mail for now, never that the domain takes none.
 */
export function isHardBounce(reason: Reason, cls: ReplyClass | null, text: string, enhanced: string | null = null): boolean {
  if (ADDRESS_REASONS.has(reason)) return true;
  if (reason === 'notaccept') return cls !== 'transient' && !enhanced?.startsWith('4.') && !SAYS_TEMPORARY.test(text);
  return false;
}

/** Reasons that say nothing about the address or the sender. */
export const UNKNOWN_REASONS: ReadonlySet<Reason> = new Set(['undefined', 'onhold']);

interface Decision {
  id: string;
  when: { class: ReplyClass | null | '*'; hardbounce?: boolean; reasons?: ReadonlySet<Reason> };
  type: BounceType;
  action: Action;
  retryable: boolean;
}

/** First row that fits wins. `class` is the reply's class, or the one its reason implies. */
export const DECISION_TABLE: readonly Decision[] = [
  { id: 'success', when: { class: 'success' }, type: 'undetermined', action: 'none', retryable: false },
  // transient: always retry, even 450 4.1.1 (hardbounce stays true and counts toward suppression)
  { id: 'transient', when: { class: 'transient' }, type: 'soft', action: 'retry', retryable: true },
  { id: 'permanent-bad-address', when: { class: 'permanent', hardbounce: true }, type: 'hard', action: 'suppress', retryable: false },
  { id: 'permanent-sender-side', when: { class: 'permanent', reasons: SENDER_SIDE_REASONS }, type: 'block', action: 'fix-sender', retryable: false },
  { id: 'permanent-unknown', when: { class: 'permanent', reasons: UNKNOWN_REASONS }, type: 'undetermined', action: 'none', retryable: false },
  // mailbox full, account suspended, system error: the address is good, this delivery is over
  { id: 'permanent-other', when: { class: 'permanent' }, type: 'soft', action: 'none', retryable: false },
  { id: 'unknown', when: { class: '*' }, type: 'undetermined', action: 'none', retryable: false },
];

export interface Decided {
  type: BounceType;
  action: Action;
  retryable: boolean;
  hardbounce: boolean;
  /** Which row decided. */
  decision: string;
}

export function decide(cls: ReplyClass | null, reason: Reason, text: string, enhanced: string | null = null): Decided {
  const effective = cls ?? impliedClass(reason);
  const hardbounce = isHardBounce(reason, effective, text, enhanced);
  for (const row of DECISION_TABLE) {
    if (row.when.class !== '*' && row.when.class !== effective) continue;
    if (row.when.hardbounce !== undefined && row.when.hardbounce !== hardbounce) continue;
    if (row.when.reasons && !row.when.reasons.has(reason)) continue;
    return { type: row.type, action: row.action, retryable: row.retryable, hardbounce, decision: row.id };
  }
  return { type: 'undetermined', action: 'none', retryable: false, hardbounce, decision: 'unknown' };
}
