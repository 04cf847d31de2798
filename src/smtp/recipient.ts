/**
 * The recipient a reply names, if any: `to=<jane@example.org>`, `RCPT TO:<…>`, `<jane@…>:` as
 * Postfix and Exim write it, `<jane@…>... User unknown` as Sendmail does, or a bare address
 * opening the text. An address after FROM is the sender and is skipped, and so is one Postfix
 * names as the sender ("<bob@example.com>: Sender address rejected: …"). The domain is
 * lower-cased (domains are case-insensitive; local parts are not).
 */
const EXPLICIT = /\b(?:to=|rcpt to:\s{0,3})<([^<>\s@]{1,256}@[^<>\s@]{1,255})>/i;
const BRACKETED = /<([^<>\s@]{1,256}@[^<>\s@]{1,255})>/g;
const LEADING = /^([^\s<>@:;,()"']{1,256}@[a-z0-9.-]{1,255}\.[a-z]{2,63})(?=[:;,.]?(?:\s|$))/i;
const SENDER_BEFORE = /(?:from[:=]\s{0,3}|sender\s{0,3}|envelope-from\s{0,3})$/i;
const SENDER_AFTER = /^:?\s{0,3}sender address rejected/i;

export function findRecipient(text: string): string | null {
  if (text.indexOf('@') === -1) return null;
  const explicit = EXPLICIT.exec(text);
  if (explicit) return tidy(explicit[1]);
  BRACKETED.lastIndex = 0;
  for (let i = 0; i < 8; i++) {
    const m = BRACKETED.exec(text);
    if (!m) break;
    const before = text.slice(Math.max(0, m.index - 16), m.index);
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 28);
    if (!SENDER_BEFORE.test(before) && !SENDER_AFTER.test(after)) return tidy(m[1]);
  }
  const leading = LEADING.exec(text);
  return leading ? tidy(leading[1]) : null;
}

function tidy(address: string): string | null {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return null;
  const domain = address.slice(at + 1).replace(/\.$/, '').toLowerCase();
  return `${address.slice(0, at)}@${domain}`;
}
