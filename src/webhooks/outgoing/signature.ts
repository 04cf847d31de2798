import { createHmac } from 'node:crypto';
import { constantTimeEqual, VERIFIED, refuse, signedWhen } from '../signatures/verify-result.ts';
import type { VerifyResult } from '../signatures/verify-result.ts';

/**
 * How Rebound signs what it POSTs (outgoing event webhooks, the resend hook), in the manner of
 * Stripe's scheme:
 *
 *   Rebound-Signature: t=1767603600,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd
 *
 * `t` is Unix seconds when the request was signed; `v1` is hex HMAC-SHA256, keyed by the
 * endpoint's secret, over `t`, a full stop, and the raw body bytes. While a secret is being
 * rotated the header carries one v1 per secret. A receiver recomputes v1 with its secret,
 * compares in constant time, and refuses a `t` more than a few minutes from its own clock.
 */
export const SIGNATURE_HEADER = 'Rebound-Signature';
export const DEFAULT_TOLERANCE_MS = 5 * 60 * 1000;

/** Hex HMAC-SHA256 of `${timestamp}.${body}` keyed by `secret`; `timestamp` in Unix seconds. */
export function sign(secret: string, timestamp: number, body: string | Uint8Array): string {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new RangeError(`timestamp must be whole Unix seconds, got ${timestamp}`);
  if (secret === '') throw new RangeError('an empty secret signs nothing');
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/** The full header value: `t=…,v1=…` (one v1 per secret). */
export function signatureHeader(secrets: string | readonly string[], timestamp: number, body: string | Uint8Array): string {
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  return [`t=${timestamp}`, ...list.map((s) => `v1=${sign(s, timestamp, body)}`)].join(',');
}

export interface ParsedSignatureHeader {
  timestamp: number;
  v1: string[];
}

export function parseSignatureHeader(header: string): ParsedSignatureHeader | null {
  if (header.length > 4096) return null;
  let timestamp: number | null = null;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) v1.push(value);
    // other schemes (v0, future v2) are skipped, so a receiver keeps working when they appear
  }
  return timestamp === null || v1.length === 0 ? null : { timestamp, v1 };
}

/**
 * Checks a Rebound-Signature header against the raw body: any of `secrets` matching any v1,
 * with `t` within `toleranceMs` of `now()` (epoch ms).
 */
export function verify(
  header: string | null | undefined,
  body: string | Uint8Array,
  secrets: string | readonly string[],
  options: { now: () => number; toleranceMs?: number },
): VerifyResult {
  if (!header) return refuse('missing', `no ${SIGNATURE_HEADER} header`);
  const parsed = parseSignatureHeader(header);
  if (parsed === null) return refuse('malformed', `${SIGNATURE_HEADER} is not t=<seconds>,v1=<hex>`);
  const age = options.now() - parsed.timestamp * 1000;
  if (Math.abs(age) > (options.toleranceMs ?? DEFAULT_TOLERANCE_MS)) return refuse('expired', signedWhen(age));
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  let match = false;
  for (const secret of list) {
    const expected = sign(secret, parsed.timestamp, body);
    for (const given of parsed.v1) match = constantTimeEqual(expected, given) || match;
  }
  return match ? VERIFIED : refuse('bad-signature', 'no v1 matches');
}
