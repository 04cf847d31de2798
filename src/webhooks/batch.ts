import { NORMALIZERS } from './providers/index.ts';
import { readPayload, DEFAULT_LIMITS } from './read-payload.ts';
import { WebhookPayloadError } from './payload-error.ts';
import type { NormalizeOptions, NormalizedBatch, NormalizedEvent, ProviderName, ResultCounts, WebhookResult } from './types.ts';

/**
 * Reads one webhook body from `provider` and normalizes every event in it. Throws
 * WebhookPayloadError when the body cannot be read at all (not JSON, too big, wrong shape); a bad
 * event inside a good batch becomes an "unknown" result and the rest still count.
 */
export function normalizeWebhook(provider: ProviderName, raw: string | Uint8Array, options: NormalizeOptions): NormalizedBatch {
  if (!Object.hasOwn(NORMALIZERS, provider)) throw new WebhookPayloadError(String(provider).slice(0, 40), `not a provider Rebound reads (one of ${Object.keys(NORMALIZERS).join(', ')})`);
  const payload = readPayload(provider, raw, options.limits ?? DEFAULT_LIMITS);
  const results = NORMALIZERS[provider](payload, options);
  return { provider, results, counts: countResults(results) };
}

export function countResults(results: readonly WebhookResult[]): ResultCounts {
  const counts: ResultCounts = { event: 0, unknown: 0, ignored: 0, control: 0 };
  for (const r of results) counts[r.kind]++;
  return counts;
}

/**
 * The events of a batch with repeats of an eventId removed (first one kept), in order. A provider
 * that redelivers a batch sends the same ids again; the store refuses ids it has already applied,
 * this removes repeats inside one batch before they get there.
 */
export function dedupeBatch(results: readonly WebhookResult[]): { unique: NormalizedEvent[]; duplicates: NormalizedEvent[] } {
  const seen = new Set<string>();
  const unique: NormalizedEvent[] = [];
  const duplicates: NormalizedEvent[] = [];
  for (const r of results) {
    if (r.kind !== 'event') continue;
    const id = r.event.eventId;
    if (id !== null && seen.has(id)) {
      duplicates.push(r);
      continue;
    }
    if (id !== null) seen.add(id);
    unique.push(r);
  }
  return { unique, duplicates };
}
