import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Why a webhook was refused. Every one of them is a 401 at the HTTP route, and nothing in the
 * body is recorded; the failure and its detail go to the log.
 */
export type VerifyFailure =
  | 'missing' // no signature, token or credentials where they are required
  | 'malformed' // present but not of the provider's form
  | 'bad-signature' // does not match: wrong key, or the body was changed
  | 'expired' // timestamp outside the window, or the signing certificate out of its validity
  | 'replayed' // a token seen before (Mailgun)
  | 'untrusted-cert-url' // an SNS SigningCertURL outside Amazon's host pattern
  | 'cert-unavailable' // the SNS certificate could not be fetched or read
  | 'unsupported' // an SNS SignatureVersion other than 1 or 2
  | 'topic-not-allowed'; // an SNS TopicArn not in the configured list

export type VerifyResult = { ok: true } | { ok: false; failure: VerifyFailure; detail: string };

export const VERIFIED: VerifyResult = Object.freeze({ ok: true });

export function refuse(failure: VerifyFailure, detail: string): VerifyResult {
  return { ok: false, failure, detail };
}

/** "signed 1000 s ago" or "signed 30 s in the future", for a timestamp outside the window (`ageMs` = now − signed). */
export function signedWhen(ageMs: number): string {
  const s = Math.round(Math.abs(ageMs) / 1000);
  return ageMs >= 0 ? `signed ${s} s ago` : `signed ${s} s in the future`;
}

/**
 * Compares two secrets in time that does not depend on where they differ or on their lengths
 * (both are hashed to 32 bytes first).
 */
export function constantTimeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}
