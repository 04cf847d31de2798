import type { SmtpPhase } from './types.ts';

/**
 * The phase a wrapped reply names, as MTAs write it in bounces: Postfix "(in reply to RCPT TO
 * command)", Exim "after RCPT TO:<…>", "after end of data", "after initial connection".
 */
const PHASE_PHRASES: ReadonlyArray<[RegExp, SmtpPhase]> = [
  [/\b(?:in reply to|after) (?:the )?rcpt to\b/i, 'rcpt'],
  // qmail: "Sorry, no SMTP connection got far enough; most progress was RCPT TO response"
  [/\bmost progress was rcpt to response\b/i, 'rcpt'],
  [/\b(?:in reply to|after) (?:the )?mail from\b/i, 'mail'],
  [/\bin reply to end of data\b|\bafter end of data\b|\bafter (?:the )?data\b.{0,20}\bsent\b/i, 'message'],
  [/\b(?:in reply to|after) (?:the )?data\b/i, 'data'],
  [/\b(?:in reply to|after) (?:the )?(?:ehlo|helo|lhlo)\b/i, 'ehlo'],
  [/\b(?:in reply to|after) (?:the )?starttls\b/i, 'starttls'],
  [/\b(?:in reply to|after) (?:the )?auth\b/i, 'auth'],
  [/\bafter (?:the )?initial connection\b|\bwhile (?:receiving the )?initial server greeting\b|\bin reply to (?:the )?greeting\b/i, 'greeting'],
  // qmail-remote: "Connected to 192.0.2.1 but greeting failed." / "… but my name was rejected." /
  // "… but sender was rejected.", each followed by "Remote host said: <the reply>"
  [/\bbut greeting failed\b/i, 'greeting'],
  [/\bbut my name was rejected\b/i, 'ehlo'],
  [/\bbut sender was rejected\b/i, 'mail'],
];

export function inferPhase(text: string): SmtpPhase | null {
  // cheap guard: MTAs write these phrases in lower case; the full patterns below ignore case
  if (text.indexOf('after') === -1 && text.indexOf('in reply') === -1 && text.indexOf('greeting') === -1 && text.indexOf('progress') === -1 && text.indexOf('was rejected') === -1) return null;
  for (const [re, phase] of PHASE_PHRASES) if (re.test(text)) return phase;
  return null;
}
