import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';

/**
 * Where mail for a domain goes (RFC 5321 section 5.1): its MX hosts by preference (equal
 * preferences shuffled), each host's IPv4 then IPv6 addresses; no MX record means the domain's
 * own address records (the implicit MX); a null MX (RFC 7505, "0 .") means the domain accepts
 * no mail at all, which is a permanent failure without any SMTP attempt.
 */

/** The parts of node:dns/promises' Resolver that routing uses; tests pass their own. */
export interface DnsResolver {
  resolveMx(domain: string): Promise<Array<{ exchange: string; priority: number }>>;
  resolve4(host: string): Promise<string[]>;
  resolve6(host: string): Promise<string[]>;
}

export interface RouteHost {
  /** MX host name (or the domain itself for an implicit MX). */
  name: string;
  address: string;
  preference: number;
}

export type Route =
  | { kind: 'hosts'; hosts: RouteHost[]; implicit: boolean }
  | { kind: 'null-mx' }
  /** DNS could not give an address; `permanent` when the domain (or its only name) does not exist. */
  | { kind: 'unroutable'; permanent: boolean; code: string; detail: string };

export interface RouteOptions {
  /** Addresses tried at most per delivery (Postfix smtp_mx_address_limit: 5). */
  maxAddresses?: number;
  random?: () => number;
}

/** DNS answers that say "no such name / no such record", as opposed to "ask again later". */
const ABSENT = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN']);

export function systemResolver(): DnsResolver {
  return new Resolver({ timeout: 5000, tries: 2 });
}

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' ? code : 'ESERVFAIL';
}

async function addressesOf(resolver: DnsResolver, name: string): Promise<{ addresses: string[]; errors: string[] }> {
  if (isIP(name)) return { addresses: [name], errors: [] };
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(name), resolver.resolve6(name)]);
  const addresses: string[] = [];
  const errors: string[] = [];
  for (const r of [v4, v6]) {
    if (r.status === 'fulfilled') addresses.push(...r.value);
    else errors.push(codeOf(r.reason));
  }
  return { addresses, errors };
}

function shuffleEqualPreferences<T extends { priority: number }>(records: T[], random: () => number): T[] {
  const withKey = records.map((r) => ({ r, k: random() }));
  withKey.sort((a, b) => a.r.priority - b.r.priority || a.k - b.k);
  return withKey.map((x) => x.r);
}

export async function resolveRoute(domain: string, resolver: DnsResolver, options: RouteOptions = {}): Promise<Route> {
  const maxAddresses = options.maxAddresses ?? 5;
  const random = options.random ?? Math.random;
  let mx: Array<{ exchange: string; priority: number }>;
  try {
    mx = await resolver.resolveMx(domain);
  } catch (err) {
    const code = codeOf(err);
    if (code === 'ENOTFOUND' || code === 'NXDOMAIN') return { kind: 'unroutable', permanent: true, code: 'ENOTFOUND', detail: `${domain} does not exist (no MX, A or AAAA record)` };
    if (code !== 'ENODATA') return { kind: 'unroutable', permanent: false, code, detail: `MX lookup for ${domain} failed (${code})` };
    mx = [];
  }
  const real = mx.filter((r) => r.exchange !== '' && r.exchange !== '.');
  if (mx.length > 0 && real.length === 0) return { kind: 'null-mx' };
  if (real.length === 0) {
    // no MX record: the domain's own address is the implicit MX
    const { addresses, errors } = await addressesOf(resolver, domain);
    if (addresses.length === 0) {
      const permanent = errors.every((e) => ABSENT.has(e));
      return { kind: 'unroutable', permanent, code: permanent ? 'ENOTFOUND' : errors.find((e) => !ABSENT.has(e)) ?? 'ESERVFAIL', detail: `${domain} has no MX record and no A/AAAA record${permanent ? '' : ' (lookup failed)'}` };
    }
    return { kind: 'hosts', implicit: true, hosts: addresses.slice(0, maxAddresses).map((address) => ({ name: domain, address, preference: 0 })) };
  }
  const ordered = shuffleEqualPreferences(real, random);
  const resolved = await Promise.all(ordered.map(async (r) => ({ r, ...(await addressesOf(resolver, r.exchange.replace(/\.$/, ''))) })));
  const hosts: RouteHost[] = [];
  for (const { r, addresses } of resolved) {
    for (const address of addresses) hosts.push({ name: r.exchange.replace(/\.$/, '').toLowerCase(), address, preference: r.priority });
  }
  if (hosts.length === 0) {
    // an MX that names hosts without addresses is a DNS mistake the domain may fix: try later
    const codes = resolved.flatMap((x) => x.errors);
    return { kind: 'unroutable', permanent: false, code: codes.find((e) => !ABSENT.has(e)) ?? 'ENOTFOUND', detail: `no address for the MX hosts of ${domain} (${ordered.map((r) => r.exchange).join(', ')})` };
  }
  return { kind: 'hosts', implicit: false, hosts: hosts.slice(0, maxAddresses) };
}
