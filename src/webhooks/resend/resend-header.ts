/**
 * The header that marks a registered message as living at the sender's ESP, written into the
 * stored message by `submitForEsp`. It travels with the message row itself, so the transport
 * choice never depends on a second write landing before the scheduler claims attempt 1.
 */
export const RESEND_URL_HEADER = 'X-Rebound-Resend-URL';

const HEAD_LIMIT = 16 * 1024;
const PATTERN = /^x-rebound-resend-url:[ \t]*(\S+)[ \t]*\r?$/im;

/** The resend URL the message's header block names, or null (only the header block is read). */
export function resendUrlOf(raw: Buffer | string): string | null {
  const text = typeof raw === 'string' ? raw.slice(0, HEAD_LIMIT) : raw.subarray(0, HEAD_LIMIT).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const head = end >= 0 ? text.slice(0, end) : text;
  return PATTERN.exec(head)?.[1] ?? null;
}
