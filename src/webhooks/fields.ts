import { createHash } from 'node:crypto';

/**
 * Careful readers for untrusted JSON: every provider field may be missing, of the wrong type,
 * huge, or hostile. None of them throws.
 */

/** Longest reply text kept; a provider's diagnostic beyond this is noise (and a cost). */
export const MAX_TEXT = 4000;
const MAX_ID = 512;

export type JsonRecord = Record<string, unknown>;

export function recordOf(v: unknown): JsonRecord | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonRecord) : null;
}

export function listOf(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** An own property only: a payload's "__proto__" or "constructor" key never reaches the prototype chain. */
export function field(r: JsonRecord | null, key: string): unknown {
  return r !== null && Object.hasOwn(r, key) ? r[key] : undefined;
}

/** A string (or a finite number written as one), trimmed and cut to `max`; null when absent or empty. */
export function textOf(v: unknown, max = MAX_TEXT): string | null {
  let s: string;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'number' && Number.isFinite(v)) s = String(v);
  else return null;
  s = s.trim();
  if (s === '') return null;
  return s.length > max ? s.slice(0, max) : s;
}

/** An identifier: a short string or number without control characters. */
export function idOf(v: unknown): string | null {
  const s = textOf(v, MAX_ID + 1);
  if (s === null || s.length > MAX_ID || /[\u0000-\u001f\u007f]/.test(s)) return null;
  return s;
}

export function intOf(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d{1,15}\s*$/.test(v) ? Number(v) : NaN;
  return Number.isSafeInteger(n) ? n : null;
}

const ADDRESS = /^[^\s@<>]{1,256}@[^\s@<>]{1,255}$/;

/** An email address as the engine keys it: no angle brackets, domain lower-cased; null if it is not one. */
export function addressOf(v: unknown): string | null {
  let s = textOf(v, 600);
  if (s === null) return null;
  const bracketed = /^[^<]*<([^<>]*)>\s*$/.exec(s);
  if (bracketed) s = bracketed[1]!.trim();
  if (!ADDRESS.test(s) || /[\u0000-\u001f\u007f]/.test(s)) return null;
  const at = s.lastIndexOf('@');
  return `${s.slice(0, at)}@${s.slice(at + 1).toLowerCase()}`;
}

// 2000-01-01 .. 2200-01-01: outside this a provider's timestamp is garbage, not a date.
const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(2200, 0, 1);

/**
 * A provider timestamp as epoch ms: Unix seconds (SendGrid, SparkPost, Mailgun's float seconds),
 * milliseconds, numeric strings, or ISO 8601 (SES, Postmark). Null when absent or absurd.
 */
export function timeOf(v: unknown): number | null {
  let ms: number;
  if (typeof v === 'number' || (typeof v === 'string' && /^\s*\d{1,16}(\.\d{1,9})?\s*$/.test(v))) {
    const n = Number(v);
    ms = n < 1e11 ? n * 1000 : n;
  } else if (typeof v === 'string' && v.length <= 64) {
    ms = Date.parse(v);
  } else {
    return null;
  }
  return Number.isFinite(ms) && ms >= EARLIEST && ms <= LATEST ? Math.round(ms) : null;
}

/**
 * A stable id for an event the provider sent without one, so a redelivered batch still applies
 * once: the same JSON gives the same id.
 */
export function contentId(provider: string, v: unknown): string {
  let json: string;
  try {
    json = JSON.stringify(v) ?? 'undefined';
  } catch {
    json = String(v);
  }
  return `${provider}:sha256:${createHash('sha256').update(json).digest('hex').slice(0, 32)}`;
}

/** Keys under which a sender's metadata can name Rebound's delivery id (custom args, tags, user variables). */
export const DELIVERY_ID_KEYS = ['rebound_delivery_id', 'reboundDeliveryId', 'rebound-delivery-id', 'X-Rebound-ID', 'x-rebound-id'] as const;

/** The delivery id from the first metadata record that carries one (a list value gives its first item). */
export function deliveryIdIn(...sources: Array<JsonRecord | null>): string | null {
  for (const r of sources) {
    if (r === null) continue;
    for (const key of DELIVERY_ID_KEYS) {
      const v = field(r, key);
      const id = idOf(Array.isArray(v) ? v[0] : v);
      if (id !== null) return id;
    }
  }
  return null;
}
