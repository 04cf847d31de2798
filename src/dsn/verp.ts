import { normalizeAddress } from './address.ts';

/**
 * The header Rebound stamps on every outgoing message (equal to REBOUND_ID_HEADER in
 * engine/transport.ts, defined again here so dsn/ imports only leftwards): a bounce that returns
 * the original headers carries it back and ties the bounce to its delivery.
 */
export const REBOUND_ID_HEADER = 'X-Rebound-ID';

export interface VerpOptions {
  /** The local-part prefix before the separator, e.g. "bounces" in bounces+jane=example.org@…; any when absent. */
  prefix?: string;
}

/**
 * A forwarder's SRS address (SRS0=hash=time=domain=local@forwarder) is the original return path
 * rewritten: `SRS0=HHHH=TT=mail.sender.tld=bounces+jane=example.org@fwd.example` is
 * `bounces+jane=example.org@mail.sender.tld`. SRS1 (forwarded twice) does not carry the original
 * address whole: null. Anything else is returned as it is.
 */
function srsOriginal(address: string): string | null {
  if (!/^SRS[01][=+-]/i.test(address)) return address;
  const m = /^SRS0[=+-][^=@]*=[^=@]*=([^=@]+)=([^@]+)@[^@]+$/i.exec(address);
  return m ? `${m[2]}@${m[1]}` : null;
}

/**
 * The VERP return path for one recipient: `jane@example.org` → `bounces+jane=example.org@rp.example`,
 * which `parseVerp` reads back. Null when the recipient cannot be carried that way (a local part
 * parseVerp would refuse, a non-ASCII domain, or a local part over RFC 5321's 64 octets).
 */
export function verpAddress(recipient: string, returnPathDomain: string, prefix = 'bounces'): string | null {
  const at = recipient.lastIndexOf('@');
  if (at <= 0) return null;
  const local = `${prefix}+${recipient.slice(0, at)}=${recipient.slice(at + 1)}`;
  if (local.length > 64 || !/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$/.test(local)) return null;
  const address = `${local}@${returnPathDomain}`;
  return parseVerp(address, { prefix }) === null ? null : address;
}

/**
 * The recipient encoded in a VERP return path: `bounces+jane=example.org@mail.sender.tld` →
 * `jane@example.org`. Accepts "+" or "-" after the prefix; the last "=" in the rest separates
 * the recipient's local part from its domain. Null when the address is not VERP-shaped.
 */
export function parseVerp(address: string, options: VerpOptions = {}): string | null {
  const addr = srsOriginal(address.trim().replace(/^<|>$/g, ''));
  if (addr === null) return null;
  const at = addr.lastIndexOf('@');
  if (at <= 0) return null;
  const local = addr.slice(0, at);
  let rest: string;
  if (options.prefix !== undefined) {
    const p = options.prefix;
    if (!local.toLowerCase().startsWith(p.toLowerCase()) || !'+-'.includes(local[p.length] ?? '')) return null;
    rest = local.slice(p.length + 1);
  } else {
    // "+" is the usual separator; "-" only when there is no "+"
    const plus = local.indexOf('+');
    const sep = plus > 0 ? plus : local.indexOf('-');
    if (sep <= 0) return null;
    rest = local.slice(sep + 1);
  }
  const eq = rest.lastIndexOf('=');
  if (eq <= 0 || eq === rest.length - 1) return null;
  const rLocal = rest.slice(0, eq);
  const rDomain = rest.slice(eq + 1);
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/.test(rDomain)) return null;
  if (!/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$/.test(rLocal)) return null;
  return normalizeAddress(`${rLocal}@${rDomain}`);
}
