import { domainKey } from '../engine/address-key.ts';
import { z } from 'zod';
import { REASONS } from '../classify/types.ts';
import type { MetricsFilter } from './types.ts';
import { SEGMENT_KINDS, type SegmentKind } from './metrics-store.ts';
import { TimeZoneError, weekdayHourIn } from './time-zone.ts';

export class MetricsQueryError extends Error {
  override name = 'MetricsQueryError';
}

const DAY_MS = 86_400_000;

/** An instant: epoch milliseconds, or an ISO 8601 date/time. */
function instant(v: string, name: string): number {
  const n = /^\d{1,15}$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(n)) throw new MetricsQueryError(`${name} must be an ISO 8601 time or epoch milliseconds, got ${JSON.stringify(v.slice(0, 60))}`);
  return n;
}

const text = z.string().max(200).optional();
// strict: a misspelt parameter ("?reasn=…") is an error, not a filter silently left out
const raw = z.strictObject({
  from: text, to: text, enhanced: text, reason: text, domain: text, tz: text, bucket: text, kind: text, format: text, limit: text,
});

export type QueryParam = keyof typeof raw.shape;
/** The window and filters every metrics route and segment takes; each route adds its own (bucket, tz, limit, kind, format). */
export const WINDOW_PARAMS: readonly QueryParam[] = ['from', 'to', 'enhanced', 'reason', 'domain'];

export interface ParsedQuery extends MetricsFilter {
  timeZone: string | null;
  bucket: 'hour' | 'day';
  kind: SegmentKind;
  format: 'csv' | 'json' | 'jsonl';
  limit: number;
}

/**
 * The query string (or CLI flags) every metrics route and command shares. Default window: the
 * last 7 days up to `now`. Errors name the parameter and what it accepts.
 */
export function parseMetricsQuery(input: unknown, now: number, accepts: readonly QueryParam[] = Object.keys(raw.shape) as QueryParam[]): ParsedQuery {
  const parsed = raw.safeParse(input ?? {});
  if (!parsed.success) {
    throw new MetricsQueryError(`bad query: ${parsed.error.issues.map((i) => (i.code === 'unrecognized_keys' ? `unknown parameter ${i.keys.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')} (known: ${accepts.join(', ')})` : `${i.path.join('.')}: ${i.message}`)).join('; ')}`);
  }
  // a parameter another route reads would be silently ignored here: refused like a misspelt one
  const foreign = Object.keys(parsed.data).filter((k) => parsed.data[k as QueryParam] !== undefined && !accepts.includes(k as QueryParam));
  if (foreign.length) throw new MetricsQueryError(`bad query: ${foreign.map((k) => JSON.stringify(k)).join(', ')} does not apply here (this one takes: ${accepts.join(', ')})`);
  const q = parsed.data;
  const to = q.to ? instant(q.to, 'to') : now;
  const from = q.from ? instant(q.from, 'from') : to - 7 * DAY_MS;
  if (from >= to) throw new MetricsQueryError('from must be before to');
  if (q.enhanced !== undefined && !/^[245]\.\d{1,3}\.\d{1,3}$/.test(q.enhanced)) throw new MetricsQueryError(`enhanced must be a code such as 4.3.2, got ${JSON.stringify(q.enhanced.slice(0, 60))}`);
  if (q.reason !== undefined && !(REASONS as readonly string[]).includes(q.reason)) throw new MetricsQueryError(`reason must be one of ${REASONS.join(', ')}; got ${JSON.stringify(q.reason.slice(0, 60))}`);
  // an internationalised name is accepted as written and looked up by its A-label, as addresses are
  const domain = q.domain === undefined ? undefined : domainKey(q.domain);
  if (domain !== undefined && !/^[a-z0-9.-]{1,253}$/i.test(domain)) throw new MetricsQueryError(`domain must be a domain name, got ${JSON.stringify(q.domain!.slice(0, 60))}`);
  if (q.tz !== undefined) {
    try {
      weekdayHourIn(q.tz);
    } catch (err) {
      if (err instanceof TimeZoneError) throw new MetricsQueryError(err.message);
      throw err;
    }
  }
  const bucket = q.bucket ?? 'hour';
  if (bucket !== 'hour' && bucket !== 'day') throw new MetricsQueryError('bucket must be hour or day');
  const kind = (q.kind ?? 'touched') as SegmentKind;
  if (!SEGMENT_KINDS.includes(kind)) throw new MetricsQueryError(`kind must be one of ${SEGMENT_KINDS.join(', ')}`);
  const format = q.format ?? 'json';
  if (format !== 'csv' && format !== 'json' && format !== 'jsonl') throw new MetricsQueryError('format must be csv, json or jsonl');
  const limit = q.limit === undefined ? 50 : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new MetricsQueryError('limit must be an integer from 1 to 10000');
  return {
    from, to, enhanced: q.enhanced ?? null, reason: q.reason ?? null, domain: domain ?? null,
    timeZone: q.tz ?? null, bucket, kind, format, limit,
  };
}
