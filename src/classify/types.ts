import type { ReplyClass, ParsedReply } from '../smtp/types.ts';

/** Sisimai's reason names, so results compare with the most complete open bounce analyzer. */
export const REASONS = [
  'authfailure', 'badreputation', 'blocked', 'contenterror', 'delivered', 'exceedlimit', 'expired',
  'feedback', 'filtered', 'hasmoved', 'hostunknown', 'mailboxfull', 'mailererror', 'mesgtoobig',
  'networkerror', 'norelaying', 'notaccept', 'notcompliantrfc', 'onhold', 'policyviolation',
  'rejected', 'requireptr', 'securityerror', 'spamdetected', 'speeding', 'suspend', 'syntaxerror',
  'systemerror', 'systemfull', 'toomanyconn', 'undefined', 'userunknown', 'vacation',
  'virusdetected',
] as const;
export type Reason = (typeof REASONS)[number];

/** soft: retry; hard: the address is bad, suppress; block: the sender must fix something. */
export type BounceType = 'soft' | 'hard' | 'block' | 'undetermined';
export type Action = 'retry' | 'suppress' | 'fix-sender' | 'none';

/** What one SMTP outcome means and what to do about it. */
export interface Classification {
  basic: number | null;
  enhanced: string | null;
  class: ReplyClass | null;
  type: BounceType;
  reason: Reason;
  /** Sisimai's rule: the address itself is bad (see ARCHITECTURE.md, "hardbounce"). */
  hardbounce: boolean;
  /** Whether this delivery should be tried again (from the class, not the reason). */
  retryable: boolean;
  action: Action;
  recipient: string | null;
  /** Id of the rule that decided the reason, e.g. "provider/gmail/over-quota" or "enhanced/4.3.2". */
  rule: string;
  /** Present (true) when the deciding rule is marked as greylisting (a refusal of a first attempt). */
  greylisting?: true;
  /** The normalized reply text the decision was made on. */
  text: string;
}

export type ClassifyInput = string | ParsedReply | Error;
