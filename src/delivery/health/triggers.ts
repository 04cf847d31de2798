import type { Reason } from '../../classify/types.ts';
import type { AttemptOutcome } from '../../engine/transport.ts';
import type { ReplyClass, SmtpPhase } from '../../smtp/types.ts';

/**
 * Which outcomes mean "this destination is struggling: stop sending for a while". The seed's
 * 4.3.2 (system not accepting network messages), a 421 (the server is closing the channel),
 * a server that cannot be reached or will not greet, and an explicit "too many connections".
 * Everything else (a full mailbox, an unknown user, a block) is about one message or one
 * recipient, and shows the server is up. A rule matches when every condition it names holds.
 */
export interface SuspensionTrigger {
  id: string;
  /** A quote of the real reply (or failure) the rule was written for. */
  example: string;
  when: {
    enhanced?: string;
    basic?: number;
    reason?: Reason;
    class?: ReplyClass;
    /** No SMTP reply at all, at one of these steps (refused, timed out, reset, TLS failed)… */
    noReplyAt?: SmtpPhase[];
    /** …and not a permanent verdict (no such domain, null MX: about the address, not the server). */
    notPermanent?: true;
  };
}

export const SUSPENSION_TRIGGERS: SuspensionTrigger[] = [
  { id: 'enhanced/4.3.2', example: '451 4.3.2 System not accepting network messages', when: { enhanced: '4.3.2' } },
  { id: 'basic/421', example: '421 4.7.0 mx.example.com Service not available, closing transmission channel', when: { basic: 421 } },
  {
    id: 'network/unreachable',
    example: 'ECONNREFUSED: connect ECONNREFUSED 192.0.2.1:25 (or a timeout, a reset before the greeting, a failed TLS handshake)',
    when: { noReplyAt: ['connect', 'greeting', 'starttls'], notPermanent: true },
  },
  // Postfix counts a connection lost in mid-session against the site (smtp_stream_except calls
  // smtp_site_fail) as it does one never made: a server that drops every session is as down.
  {
    id: 'network/lost',
    example: 'ECONNRESET: read ECONNRESET (the connection was reset while sending RCPT TO; or timed out waiting for a reply)',
    when: { noReplyAt: ['ehlo', 'auth', 'mail', 'rcpt', 'data', 'message'], notPermanent: true },
  },
  { id: 'reason/toomanyconn', example: '451 4.7.0 Too many concurrent SMTP connections from this IP', when: { reason: 'toomanyconn', class: 'transient' } },
];

function matches(t: SuspensionTrigger, o: AttemptOutcome): boolean {
  const c = o.classification;
  const w = t.when;
  if (w.enhanced !== undefined && c.enhanced !== w.enhanced) return false;
  if (w.basic !== undefined && c.basic !== w.basic) return false;
  if (w.reason !== undefined && c.reason !== w.reason) return false;
  if (w.class !== undefined && c.class !== w.class) return false;
  if (w.noReplyAt !== undefined && (c.basic !== null || o.phase === null || !w.noReplyAt.includes(o.phase))) return false;
  if (w.notPermanent && c.class === 'permanent') return false;
  return true;
}

/** The trigger an outcome sets off, or null when it shows the destination is taking mail. */
export function suspensionTrigger(outcome: AttemptOutcome, triggers: SuspensionTrigger[] = SUSPENSION_TRIGGERS): SuspensionTrigger | null {
  return triggers.find((t) => matches(t, outcome)) ?? null;
}
