import { createPublicKey, verify as verifySignature } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { VERIFIED, refuse, signedWhen } from './verify-result.ts';
import type { VerifyResult } from './verify-result.ts';

/**
 * SendGrid's Signed Event Webhook: ECDSA P-256 with SHA-256 over the timestamp header's value
 * followed by the raw body bytes; the signature is base64 of the DER encoding. The verification
 * key SendGrid shows is base64 DER (SubjectPublicKeyInfo) without PEM armour; PEM works too.
 */
export const SENDGRID_SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
export const SENDGRID_TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';

export interface SendGridVerifyOptions {
  publicKey: string | KeyObject;
  /** Wall-clock epoch ms. */
  now: () => number;
  /**
   * Widest gap between the signed timestamp and now. SendGrid documents none; signing happens per
   * POST, so a fresh request is minutes old at most. Redelivered events are idempotent anyway.
   */
  maxAgeMs?: number;
}

export const SENDGRID_MAX_AGE_MS = 10 * 60 * 1000;

/** Reads SendGrid's verification key (base64 DER or PEM); throws a clear error at configuration time. */
export function sendGridPublicKey(key: string): KeyObject {
  const k = key.includes('BEGIN PUBLIC KEY')
    ? createPublicKey(key)
    : createPublicKey({ key: Buffer.from(key.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'spki' });
  if (k.asymmetricKeyType !== 'ec' || k.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error(`SendGrid verification key must be an ECDSA P-256 public key, got ${k.asymmetricKeyType} ${k.asymmetricKeyDetails?.namedCurve ?? ''}`.trim());
  }
  return k;
}

export function verifySendGridSignature(
  rawBody: string | Uint8Array,
  headers: { signature?: string | null; timestamp?: string | null },
  options: SendGridVerifyOptions,
): VerifyResult {
  const { signature, timestamp } = headers;
  if (!signature || !timestamp) return refuse('missing', `no ${!signature ? SENDGRID_SIGNATURE_HEADER : SENDGRID_TIMESTAMP_HEADER} header`);
  if (!/^\d{1,12}$/.test(timestamp)) return refuse('malformed', 'timestamp header is not Unix seconds');
  if (signature.length > 512 || !/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return refuse('malformed', 'signature header is not base64');
  const age = options.now() - Number(timestamp) * 1000;
  if (Math.abs(age) > (options.maxAgeMs ?? SENDGRID_MAX_AGE_MS)) return refuse('expired', signedWhen(age));
  let key: KeyObject;
  try {
    key = typeof options.publicKey === 'string' ? sendGridPublicKey(options.publicKey) : options.publicKey;
  } catch (err) {
    return refuse('malformed', `verification key: ${(err as Error).message}`);
  }
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  let ok: boolean;
  try {
    ok = verifySignature('sha256', Buffer.concat([Buffer.from(timestamp, 'utf8'), body]), key, Buffer.from(signature, 'base64'));
  } catch {
    ok = false;
  }
  return ok ? VERIFIED : refuse('bad-signature', 'SendGrid signature does not match');
}
