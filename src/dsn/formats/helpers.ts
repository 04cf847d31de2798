import type { SmtpPhase } from '../../smtp/types.ts';
import type { BounceMessage } from '../message.ts';

/** The SMTP command a bounce says the reply answered ("after RCPT TO", ">>> DATA", "in reply to end of DATA"). */
const PHASES: ReadonlyArray<[RegExp, SmtpPhase]> = [
  [/\b(?:RCPT TO|RCPT\b)/i, 'rcpt'],
  [/\bMAIL FROM\b/i, 'mail'],
  // the reply after the final dot is 'message'; the reply to the DATA command itself is 'data'
  [/\b(?:end of data|final data|after I sent the message|after the message|message content|TEXT command)\b/i, 'message'],
  [/\bDATA\b/i, 'data'],
  [/\b(?:initial connection|greeting|banner)\b/i, 'greeting'],
  [/\b(?:connect(?:ion|ing)? to)\b/i, 'connect'],
  [/\bdoes not like recipient\b/i, 'rcpt'],
  [/\b(?:EHLO|HELO)\b/i, 'ehlo'],
  [/\bSTARTTLS\b/i, 'starttls'],
  [/\bAUTH\b/, 'auth'],
];

export function phaseIn(text: string): SmtpPhase | null {
  for (const [re, phase] of PHASES) if (re.test(text)) return phase;
  return null;
}

/** A "host name [1.2.3.4]" mention → the host name. */
export function hostIn(text: string): string | null {
  const m = /\bhost[:\s]+([A-Za-z0-9][A-Za-z0-9.-]*\.[A-Za-z]{2,}|\[?[0-9.]{7,15}\]?)/i.exec(text);
  return m ? m[1].replace(/^\[|\]$/g, '').toLowerCase() : null;
}

/** Whether the bounce's sender is a mail system (MAILER-DAEMON, postmaster, "Mail Delivery …"). */
export function fromMailSystem(msg: BounceMessage): boolean {
  return /mailer-daemon|post_?master|mail ?delivery|mail ?administrator|mailer|MAILER_DAEMON|<@?>/i.test(msg.from) || msg.from.trim() === '';
}

/** The leading-space count of a line (tabs count as 8). */
export function indentOf(line: string): number {
  let n = 0;
  for (const ch of line) {
    if (ch === ' ') n++;
    else if (ch === '\t') n += 8;
    else break;
  }
  return n;
}
