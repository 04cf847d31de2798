import { domainToASCII } from 'node:url';

/**
 * The one form an address is stored and looked up by: trimmed, without angle brackets, ASCII
 * letters in lower case, and an internationalised domain in its ASCII (A-label) form, which is
 * what DNS, the SMTP envelope and bounce reports use. `anna@Bücher.example` and
 * `anna@xn--bcher-kva.example` are one address; a domain IDNA refuses is left as written, for the
 * caller's own check to refuse.
 *
 * Only ASCII letters are folded in the local part: Unicode case folding maps some characters onto
 * ASCII ones (the Kelvin sign "K" becomes "k"), which would send mail meant for one mailbox to
 * another.
 */
export function addressKey(email: string): string {
  const e = email.trim().replace(/^<(.*)>$/, '$1');
  const at = e.lastIndexOf('@');
  if (at < 0) return asciiLower(e);
  const local = asciiLower(e.slice(0, at));
  const domain = e.slice(at + 1);
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(domain)) return `${local}@${asciiLower(domain)}`;
  const ascii = domainToASCII(domain);
  return `${local}@${ascii || domain.toLowerCase()}`;
}

const asciiLower = (s: string): string => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());

/** A domain in the form addresses are kept in: lower case, an internationalised name as its A-label. */
export function domainKey(domain: string): string {
  const d = domain.trim().toLowerCase();
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(d)) return d;
  return domainToASCII(d) || d;
}
