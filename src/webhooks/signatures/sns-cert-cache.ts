import { X509Certificate } from 'node:crypto';
import { isTrustedCertUrl } from './sns-cert-url.ts';

/** Fetches a PEM certificate; injected so tests serve their own and production uses HTTPS. */
export type CertFetcher = (url: string) => Promise<string>;

export interface CertCacheOptions {
  fetch: CertFetcher;
  now: () => number;
  /** How long a fetched certificate is kept (SNS rotates them rarely). */
  ttlMs?: number;
  maxEntries?: number;
}

/**
 * Signing certificates by URL: fetched once, kept for `ttlMs`, concurrent requests for one URL
 * share one fetch, and a failed fetch is not kept (the next message tries again).
 */
export class SnsCertCache {
  private readonly entries = new Map<string, { cert: Promise<X509Certificate>; fetchedAt: number }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  constructor(private readonly options: CertCacheOptions) {
    this.ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
    this.maxEntries = options.maxEntries ?? 32;
  }

  get(url: string): Promise<X509Certificate> {
    if (!isTrustedCertUrl(url)) return Promise.reject(new Error(`not an SNS certificate URL: ${url.slice(0, 200)}`));
    const now = this.options.now();
    const hit = this.entries.get(url);
    if (hit && now - hit.fetchedAt < this.ttlMs) return hit.cert;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    const cert = this.options.fetch(url).then((pem) => {
      try {
        return new X509Certificate(pem);
      } catch (err) {
        throw new Error(`certificate at ${url} is not a PEM X.509 certificate`, { cause: err });
      }
    });
    const entry = { cert, fetchedAt: now };
    this.entries.set(url, entry);
    cert.catch(() => {
      if (this.entries.get(url) === entry) this.entries.delete(url);
    });
    return cert;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** The production fetcher: HTTPS only, no redirects, a time limit and a size limit. */
export function httpsCertFetcher(options: { timeoutMs?: number; maxBytes?: number } = {}): CertFetcher {
  const maxBytes = options.maxBytes ?? 64 * 1024;
  return async (url) => {
    if (!isTrustedCertUrl(url)) throw new Error(`not an SNS certificate URL: ${url.slice(0, 200)}`);
    const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(options.timeoutMs ?? 5000) });
    if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
    const body = await res.arrayBuffer();
    if (body.byteLength > maxBytes) throw new Error(`GET ${url}: ${body.byteLength} bytes is too big for a certificate`);
    return Buffer.from(body).toString('utf8');
  };
}
