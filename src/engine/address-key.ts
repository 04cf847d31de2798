import { domainToASCII } from 'node:url';

/**
 * The one form an address is stored and looked up by: trimmed, without angle brackets, lower
 * case, and with an internationalised domain in its ASCII (A-label) form, which is what DNS, the
 * SMTP envelope and bounce reports use. `anna@Bücher.example` and `anna@xn--bcher-kva.example`
 * are one address; a domain IDNA refuses is left as written, for the caller's own check to refuse.
 */
export function addressKey(email: string): string {
  const e = email.trim().replace(/^<(.*)>$/, '$1').toLowerCase();
  const at = e.lastIndexOf('@');
  if (at < 0) return e;
  const domain = e.slice(at + 1);
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(domain)) return e;
  const ascii = domainToASCII(domain);
  return ascii ? `${e.slice(0, at)}@${ascii}` : e;
}
