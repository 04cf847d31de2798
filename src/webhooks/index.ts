// The webhooks/ module: ESP event payloads normalized to BounceEvents, their signature checks,
// and the signature Rebound puts on what it sends.
export { normalizeWebhook, countResults, dedupeBatch } from './batch.ts';
export { NORMALIZERS, normalizeSes, normalizeSendGrid, normalizeMailgun, normalizePostmark, normalizeSparkPost } from './providers/index.ts';
export { readPayload, DEFAULT_LIMITS } from './read-payload.ts';
export type { PayloadLimits } from './read-payload.ts';
export { WebhookPayloadError } from './payload-error.ts';
export { classifyWithVerdict } from './verdict.ts';
export type { ProviderVerdict } from './verdict.ts';
export { composeReply, stripDiagnosticType } from './reply-text.ts';
export { DELIVERY_ID_KEYS } from './fields.ts';
export { PROVIDERS } from './types.ts';
export type * from './types.ts';

export { verifySnsMessage, snsStringToSign, SNS_MAX_AGE_MS } from './signatures/sns-signature.ts';
export type { SnsVerifyOptions } from './signatures/sns-signature.ts';
export { SnsCertCache, httpsCertFetcher } from './signatures/sns-cert-cache.ts';
export type { CertFetcher, CertCacheOptions } from './signatures/sns-cert-cache.ts';
export { isTrustedCertUrl, SNS_CERT_HOST } from './signatures/sns-cert-url.ts';
export { verifySendGridSignature, sendGridPublicKey, SENDGRID_SIGNATURE_HEADER, SENDGRID_TIMESTAMP_HEADER, SENDGRID_MAX_AGE_MS } from './signatures/sendgrid-signature.ts';
export type { SendGridVerifyOptions } from './signatures/sendgrid-signature.ts';
export { verifyMailgunSignature, mailgunSignatureOf, MAILGUN_MAX_AGE_MS } from './signatures/mailgun-signature.ts';
export type { MailgunVerifyOptions, MailgunSignature } from './signatures/mailgun-signature.ts';
export { MemoryReplayStore } from './signatures/replay-store.ts';
export type { ReplayStore } from './signatures/replay-store.ts';
export { verifyBasicAuth, verifyToken } from './signatures/shared-secret.ts';
export type { BasicCredentials } from './signatures/shared-secret.ts';
export { constantTimeEqual } from './signatures/verify-result.ts';
export type { VerifyResult, VerifyFailure } from './signatures/verify-result.ts';

export { sign, verify, signatureHeader, parseSignatureHeader, SIGNATURE_HEADER, DEFAULT_TOLERANCE_MS } from './outgoing/signature.ts';
export type { ParsedSignatureHeader } from './outgoing/signature.ts';
