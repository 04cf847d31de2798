import type { KeyObject } from 'node:crypto';
import {
  mailgunSignatureOf, verifyBasicAuth, verifyMailgunSignature, verifySendGridSignature, verifySnsMessage, verifyToken,
  SENDGRID_SIGNATURE_HEADER, SENDGRID_TIMESTAMP_HEADER,
} from '../../webhooks/index.ts';
import type { BasicCredentials, ProviderName, ReplayStore, SnsCertCache, VerifyResult } from '../../webhooks/index.ts';

/** The header a provider without signatures (Postmark, SparkPost) can carry a shared token in. */
export const WEBHOOK_TOKEN_HEADER = 'x-rebound-webhook-token';

/** What each configured provider is checked with. A provider left out is not accepted at all (404). */
export interface ProviderSecrets {
  ses?: { certs: SnsCertCache; topicArns?: readonly string[] };
  sendgrid?: { publicKey: string | KeyObject };
  mailgun?: { signingKey: string; replay: ReplayStore };
  postmark?: { basic?: readonly BasicCredentials[]; tokens?: readonly string[] };
  sparkpost?: { basic?: readonly BasicCredentials[]; tokens?: readonly string[] };
}

export interface VerifyInput {
  raw: string;
  /** The parsed body, when it is JSON (SNS and Mailgun sign fields of it). */
  payload: unknown;
  headers: Record<string, string | string[] | undefined>;
  now: () => number;
}

/** Verified, with the single-use value to give back if recording fails (Mailgun's token). */
export type Verified = VerifyResult & { release?: () => Promise<void> };

function header(headers: VerifyInput['headers'], name: string): string | null {
  const v = headers[name.toLowerCase()];
  return typeof v === 'string' ? v : Array.isArray(v) ? (v[0] ?? null) : null;
}

function sharedSecret(config: { basic?: readonly BasicCredentials[]; tokens?: readonly string[] }, input: VerifyInput): VerifyResult {
  const token = header(input.headers, WEBHOOK_TOKEN_HEADER);
  if (token !== null && config.tokens?.length) return verifyToken(token, config.tokens);
  return verifyBasicAuth(header(input.headers, 'authorization'), config.basic ?? []);
}

/** Checks one request against its provider's configured secret; never throws for a bad request. */
export async function verifyProvider(provider: ProviderName, secrets: ProviderSecrets, input: VerifyInput): Promise<Verified> {
  switch (provider) {
    case 'ses': {
      const c = secrets.ses!;
      return verifySnsMessage(input.payload, { certs: c.certs, now: input.now, topicArns: c.topicArns });
    }
    case 'sendgrid':
      return verifySendGridSignature(input.raw, {
        signature: header(input.headers, SENDGRID_SIGNATURE_HEADER), timestamp: header(input.headers, SENDGRID_TIMESTAMP_HEADER),
      }, { publicKey: secrets.sendgrid!.publicKey, now: input.now });
    case 'mailgun': {
      const c = secrets.mailgun!;
      const sig = mailgunSignatureOf(input.payload);
      const result = await verifyMailgunSignature(sig, { signingKey: c.signingKey, now: input.now, replay: c.replay });
      return result.ok && sig ? { ...result, release: async () => { await c.replay.release(`mailgun:${sig.token}`); } } : result;
    }
    case 'postmark':
      return sharedSecret(secrets.postmark!, input);
    case 'sparkpost':
      return sharedSecret(secrets.sparkpost!, input);
  }
}
