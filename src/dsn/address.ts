// Email addresses as bounces write them: "rfc822; <Jane@Example.ORG>", "\"jane@x\":", "jane@x...".

/** A plausible address anywhere in the text: local@domain with a dotted (or bracketed) domain. */
export const ADDRESS_PATTERN = /[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\-]{1,128}@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}[A-Za-z0-9])?\.)+[A-Za-z0-9\-]{2,63}|[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\-]{1,128}@\[[0-9.:a-fA-F]{3,45}\]/;
const ADDRESS_GLOBAL = new RegExp(ADDRESS_PATTERN.source, 'g');

/**
 * The address in a DSN address field or a line of bounce text, normalized: angle brackets,
 * quotes and an address-type prefix ("rfc822;") removed, the domain lower-cased. Null when the
 * text holds no address.
 */
export function cleanAddress(text: string | null | undefined): string | null {
  if (!text) return null;
  let t = text.trim();
  const semi = t.indexOf(';');
  if (semi !== -1 && semi < 12 && /^[A-Za-z0-9-]+$/.test(t.slice(0, semi).trim())) t = t.slice(semi + 1).trim();
  const m = ADDRESS_PATTERN.exec(t);
  if (!m) return null;
  return normalizeAddress(m[0]);
}

export function normalizeAddress(address: string): string {
  let a = address.replace(/^[.'"=]+|[.'"]+$/g, '');
  const at = a.lastIndexOf('@');
  if (at === -1) return a;
  return a.slice(0, at) + '@' + a.slice(at + 1).toLowerCase();
}

/** Every distinct address in the text, in order. */
export function findAddresses(text: string, limit = 1000): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  ADDRESS_GLOBAL.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = ADDRESS_GLOBAL.exec(text)) !== null && out.length < limit) {
    const a = normalizeAddress(m[0]);
    const key = a.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      out.push(a);
    }
  }
  return out;
}

/** The address inside "Name <addr>" (or the bare address), normalized; null when none. */
export function mailboxAddress(header: string | null | undefined): string | null {
  if (!header) return null;
  const angle = /<([^<>]*@[^<>]*)>/.exec(header);
  return cleanAddress(angle ? angle[1] : header);
}
