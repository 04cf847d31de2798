// Email addresses as bounces write them: "rfc822; <Jane@Example.ORG>", "\"jane@x\":", "jane@x...".

// An address is found from its "@" outwards — a local part of at most 64 (RFC 5321; 128 allowed
// here) atom characters before it, a dotted domain of at most 255 after it — so text without "@"
// costs one indexOf, and a long run of address-like characters costs no more than its length.
const MAX_LOCAL = 128;
const MAX_DOMAIN = 255;
const LOCAL_CHARS = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+/=?^_`{|}~.-") LOCAL_CHARS[c.charCodeAt(0)] = 1;
const DOMAIN = /^(?:(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,63}|\[[0-9.:a-fA-F]{3,45}\])/;

/** The first address at or after `from`: [start, end) in `text`, or null. */
function nextAddress(text: string, from: number): [number, number] | null {
  let at = text.indexOf('@', from);
  while (at !== -1) {
    let start = at;
    while (start > from && at - start < MAX_LOCAL) {
      const c = text.charCodeAt(start - 1);
      if (c >= 128 || LOCAL_CHARS[c] !== 1) break;
      start--;
    }
    if (start < at) {
      const m = DOMAIN.exec(text.slice(at + 1, at + 1 + MAX_DOMAIN));
      if (m) return [start, at + 1 + m[0].length];
    }
    at = text.indexOf('@', at + 1);
  }
  return null;
}

// A whole typed address as a DSN field writes it (RFC 3464 2.3.2: "address-type ; generic-address"):
// a quoted local part ("jane doe"@example.org, RFC 5321 4.1.2) or UTF-8 in either part (RFC 6531,
// 6533) is kept whole. Free text is scanned from "@" outwards instead (ASCII only there: Japanese
// and Chinese notices write words right up against an address).
const TYPED_ADDRESS = /^(?:"(?:[^"\\\r\n]|\\.){1,128}"|[^\s@"<>()[\],;:\\]{1,128})@(?:[^\s@"<>()[\],;:\\]{1,255}|\[[0-9A-Fa-f.:]{3,45}\])$/u;
// RFC 6533 3: the utf-8 address type writes what is not printable ASCII as \x{HHHH}
const UTF8_ESCAPE = /\\x\{([0-9A-Fa-f]{1,6})\}/g;

/**
 * The address in a DSN address field or a line of bounce text, normalized: angle brackets,
 * quotes and an address-type prefix ("rfc822;") removed, the domain lower-cased. Null when the
 * text holds no address.
 */
export function cleanAddress(text: string | null | undefined): string | null {
  if (!text) return null;
  let t = text.trim();
  const semi = t.indexOf(';');
  if (semi !== -1 && semi < 12 && /^[A-Za-z0-9-]+$/.test(t.slice(0, semi).trim())) {
    const type = t.slice(0, semi).trim().toLowerCase();
    t = t.slice(semi + 1).trim();
    const typed = typedAddress(t, type);
    if (typed) return typed;
    // a field that is not one clean address ("rfc822; jane@example.org (comment)") is scanned, but
    // an address the scan would cut out of a longer word ("j\x{D800}rg@…", "jörg@…") is no address
    const span = nextAddress(t, 0);
    if (!span || type === 'utf-8' || (span[0] > 0 && !/[\s<("':,]/.test(t[span[0] - 1]))) return null;
    return normalizeAddress(t.slice(span[0], span[1]));
  }
  const span = nextAddress(t, 0);
  return span ? normalizeAddress(t.slice(span[0], span[1])) : null;
}

function typedAddress(value: string, type: string): string | null {
  let a = value.replace(/^<\s*/, '').replace(/\s*>$/, '');
  if (type === 'utf-8') {
    a = a.replace(UTF8_ESCAPE, (escape, hex: string) => {
      const cp = parseInt(hex, 16);
      return cp > 0x7f && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : escape;
    });
  }
  if (a.length > 400 || !TYPED_ADDRESS.test(a)) return null;
  const at = a.lastIndexOf('@');
  const domain = a.slice(at + 1);
  if (!domain.includes('.') && !domain.startsWith('[')) return null;
  // a quoted local part keeps its quotes; otherwise stray quotes and dots around it go
  return a.startsWith('"') ? a.slice(0, at) + '@' + domain.replace(/\.+$/, '').toLowerCase() : normalizeAddress(a);
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
  let span = nextAddress(text, 0);
  while (span !== null && out.length < limit) {
    const a = normalizeAddress(text.slice(span[0], span[1]));
    const key = a.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      out.push(a);
    }
    span = nextAddress(text, span[1]);
  }
  return out;
}

/** The address inside "Name <addr>" (or the bare address), normalized; null when none. */
export function mailboxAddress(header: string | null | undefined): string | null {
  if (!header) return null;
  const angle = /<([^<>]*@[^<>]*)>/.exec(header);
  return cleanAddress(angle ? angle[1] : header);
}
