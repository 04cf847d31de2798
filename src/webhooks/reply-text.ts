import { MAX_TEXT } from './fields.ts';

/**
 * Providers hand the receiving server's reply over in pieces (Mailgun: code, enhanced code and
 * message apart; SendGrid: reason and status) or wrapped as a DSN Diagnostic-Code ("smtp; 550
 * ..."). These put it back together as one reply line, so the classifier reads what our own SMTP
 * client would have read and "451 4.3.2" from an ESP is the same event as our own.
 */

// The diagnostic type of RFC 3464's Diagnostic-Code ("smtp;", "X-Postfix;") is not part of the reply.
const DIAGNOSTIC_TYPE = /^\s*(?:smtp|x-[a-z0-9-]{1,40})\s*;\s*/i;
const STARTS_WITH_BASIC = /^\s*[245]\d\d(?:[\s-]|$)/;
const ENHANCED = /\b[245]\.\d{1,3}\.\d{1,3}\b/;

export function stripDiagnosticType(text: string): string {
  return text.replace(DIAGNOSTIC_TYPE, '');
}

/**
 * One reply from its parts: codes the text does not already carry are put in front of it. A
 * basic code outside 200–599 (Mailgun's own 498, 605…) is a provider's code, not SMTP's, and is
 * left out.
 */
export function composeReply(parts: { basic?: number | null; enhanced?: string | null; text?: string | null }): string {
  let text = stripDiagnosticType(parts.text ?? '').trim();
  if (text.length > MAX_TEXT) text = text.slice(0, MAX_TEXT);
  const prefix: string[] = [];
  const basic = parts.basic ?? null;
  if (basic !== null && basic >= 200 && basic <= 599 && !STARTS_WITH_BASIC.test(text)) prefix.push(String(basic));
  const enhanced = parts.enhanced?.trim() ?? '';
  if (/^[245]\.\d{1,3}\.\d{1,3}$/.test(enhanced) && !ENHANCED.test(text)) {
    // "550 5.1.1 text": the enhanced code goes after a basic code the text itself starts with
    const lead = STARTS_WITH_BASIC.exec(text);
    if (lead && prefix.length === 0) return `${lead[0].trim()} ${enhanced} ${text.slice(lead[0].length).trim()}`.trim();
    prefix.push(enhanced);
  }
  return [...prefix, text].filter((s) => s !== '').join(' ');
}
