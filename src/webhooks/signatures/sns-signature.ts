import { createVerify } from 'node:crypto';
import type { X509Certificate } from 'node:crypto';
import { field, recordOf, timeOf } from '../fields.ts';
import type { SnsCertCache } from './sns-cert-cache.ts';
import { isTrustedCertUrl } from './sns-cert-url.ts';
import { VERIFIED, refuse } from './verify-result.ts';
import type { VerifyResult } from './verify-result.ts';

/**
 * Amazon SNS message signatures. SNS signs a canonical string: for each key of the message type,
 * in this order, the key name and its value each followed by a newline (a key the message lacks,
 * such as an absent Subject, is left out). SignatureVersion 1 signs with RSA-SHA1, 2 with
 * RSA-SHA256, using the certificate at SigningCertURL.
 */
const SIGNED_KEYS: Readonly<Record<string, readonly string[]>> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};

const HASHES: Readonly<Record<string, string>> = { '1': 'sha1', '2': 'sha256' };

export interface SnsVerifyOptions {
  certs: SnsCertCache;
  /** Wall-clock epoch ms (the check compares with SNS's own Timestamp). */
  now: () => number;
  /** Oldest message accepted: SNS retries a failed HTTP delivery for up to an hour by default policy limits. */
  maxAgeMs?: number;
  /** When given, only these topics are accepted (AWS's advice: reject unexpected TopicArns). */
  topicArns?: readonly string[];
}

export const SNS_MAX_AGE_MS = 60 * 60 * 1000;
// Clocks differ; a message from a little in the future is still a fresh one.
const FUTURE_SKEW_MS = 5 * 60 * 1000;

/** The canonical string SNS signs for this message, or null when a signed key is missing or not a string. */
export function snsStringToSign(message: Record<string, unknown>): string | null {
  const type = field(message, 'Type');
  if (typeof type !== 'string' || !Object.hasOwn(SIGNED_KEYS, type)) return null;
  let out = '';
  for (const key of SIGNED_KEYS[type]!) {
    const v = field(message, key);
    if (v === undefined && key === 'Subject') continue;
    if (typeof v !== 'string') return null;
    out += `${key}\n${v}\n`;
  }
  return out;
}

export async function verifySnsMessage(body: unknown, options: SnsVerifyOptions): Promise<VerifyResult> {
  const m = recordOf(body);
  if (m === null) return refuse('malformed', 'an SNS message is a JSON object');
  const signature = field(m, 'Signature');
  const version = field(m, 'SignatureVersion');
  const certUrl = field(m, 'SigningCertURL');
  if (typeof signature !== 'string' || signature === '' || typeof certUrl !== 'string') return refuse('missing', 'no Signature or SigningCertURL');
  if (typeof version !== 'string' || !Object.hasOwn(HASHES, version)) return refuse('unsupported', `SignatureVersion ${JSON.stringify(version)?.slice(0, 20)} (1 and 2 are supported)`);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature) || signature.length > 4096) return refuse('malformed', 'Signature is not base64');
  const toSign = snsStringToSign(m);
  if (toSign === null) return refuse('malformed', 'a signed field is missing or not a string');
  if (!isTrustedCertUrl(certUrl)) return refuse('untrusted-cert-url', `SigningCertURL ${certUrl.slice(0, 200)} is not https://sns.<region>.amazonaws.com/….pem`);
  const topics = options.topicArns;
  if (topics !== undefined && !topics.includes(String(field(m, 'TopicArn')))) return refuse('topic-not-allowed', `TopicArn ${String(field(m, 'TopicArn')).slice(0, 200)}`);

  const now = options.now();
  const sent = timeOf(field(m, 'Timestamp'));
  if (sent === null) return refuse('malformed', 'Timestamp is not a date');
  if (now - sent > (options.maxAgeMs ?? SNS_MAX_AGE_MS)) return refuse('expired', `sent ${Math.round((now - sent) / 1000)} s ago`);
  if (sent - now > FUTURE_SKEW_MS) return refuse('expired', 'Timestamp is in the future');

  let cert: X509Certificate;
  try {
    cert = await options.certs.get(certUrl);
  } catch (err) {
    return refuse('cert-unavailable', (err as Error).message);
  }
  if (now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo)) return refuse('expired', `signing certificate valid ${cert.validFrom} to ${cert.validTo}`);
  let ok: boolean;
  try {
    ok = createVerify(HASHES[version]!).update(toSign, 'utf8').verify(cert.publicKey, Buffer.from(signature, 'base64'));
  } catch {
    // a key or signature the verifier cannot even read is as good as a wrong one
    ok = false;
  }
  return ok ? VERIFIED : refuse('bad-signature', 'SNS signature does not match');
}
