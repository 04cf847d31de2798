import { createHmac, timingSafeEqual } from 'node:crypto';
import { field, recordOf } from '../fields.ts';
import type { ReplayStore } from './replay-store.ts';
import { VERIFIED, refuse, signedWhen } from './verify-result.ts';
import type { VerifyResult } from './verify-result.ts';

/**
 * Mailgun signs each webhook with HMAC-SHA256 keyed by the account's webhook signing key over
 * `timestamp + token` (string concatenation), hex-encoded, and sends the three in the body's
 * `signature` object. A fresh timestamp and a token never seen before keep a captured request
 * from being played again.
 */
export interface MailgunVerifyOptions {
  signingKey: string;
  /** Wall-clock epoch ms. */
  now: () => number;
  /** Widest gap between Mailgun's timestamp and now. */
  maxAgeMs?: number;
  replay: ReplayStore;
}

export const MAILGUN_MAX_AGE_MS = 15 * 60 * 1000;

export interface MailgunSignature {
  timestamp: string;
  token: string;
  signature: string;
}

/** The `signature` object of a Mailgun webhook body, or null when it is not there. */
export function mailgunSignatureOf(payload: unknown): MailgunSignature | null {
  const s = recordOf(field(recordOf(payload), 'signature'));
  const timestamp = field(s, 'timestamp');
  const token = field(s, 'token');
  const signature = field(s, 'signature');
  const ts = typeof timestamp === 'number' ? String(timestamp) : timestamp;
  if (typeof ts !== 'string' || typeof token !== 'string' || typeof signature !== 'string') return null;
  return { timestamp: ts, token, signature };
}

export async function verifyMailgunSignature(sig: MailgunSignature | null, options: MailgunVerifyOptions): Promise<VerifyResult> {
  if (sig === null) return refuse('missing', 'no signature {timestamp, token, signature} in the body');
  if (!/^\d{1,12}$/.test(sig.timestamp)) return refuse('malformed', 'timestamp is not Unix seconds');
  if (sig.token.length < 16 || sig.token.length > 256) return refuse('malformed', 'token length out of range');
  if (!/^[0-9a-f]{64}$/i.test(sig.signature)) return refuse('malformed', 'signature is not 64 hex digits');
  const expected = createHmac('sha256', options.signingKey).update(sig.timestamp + sig.token).digest();
  if (!timingSafeEqual(expected, Buffer.from(sig.signature, 'hex'))) return refuse('bad-signature', 'Mailgun signature does not match');
  const now = options.now();
  const signedAt = Number(sig.timestamp) * 1000;
  const maxAge = options.maxAgeMs ?? MAILGUN_MAX_AGE_MS;
  if (Math.abs(now - signedAt) > maxAge) return refuse('expired', signedWhen(now - signedAt));
  // claimed only once the signature is good, so forged requests cannot fill the store
  const fresh = await options.replay.claim(`mailgun:${sig.token}`, signedAt + maxAge, now);
  return fresh ? VERIFIED : refuse('replayed', 'this token was already used');
}
