// The library's public surface: `import { parseReply, classify, parseBounce } from 'rebound'`.
export type * from './smtp/types.ts';
export type * from './classify/types.ts';
export type * from './classify/bounce-event.ts';
export { parseReply, lookup } from './smtp/index.ts';
export type { RegistryEntry } from './smtp/index.ts';
export { classify, createClassifier, RuleFileError } from './classify/index.ts';
export type { Classifier, ClassifierOptions, RuleSpec } from './classify/index.ts';
export { explain } from './classify/explain.ts';
export type { Explanation } from './classify/explain.ts';
export { parseBounce, bounceToEvents, parseVerp } from './dsn/index.ts';
export type { ParsedBounce, BounceRecipient, BounceKind, DsnAction, ParseBounceOptions, ToEventsOptions, VerpOptions, MimeLimits } from './dsn/index.ts';
export { normalizeWebhook, verifySnsMessage, SnsCertCache, verifySendGridSignature, verifyMailgunSignature, verifyBasicAuth, verifyToken, WebhookPayloadError, PROVIDERS } from './webhooks/index.ts';
// Renamed here: a bare `sign`/`verify` says too little beside the rest of the library.
export { sign as signWebhook, verify as verifyWebhook, SIGNATURE_HEADER } from './webhooks/index.ts';
export type { ProviderName, NormalizedBatch, NormalizedEvent, WebhookResult, VerifyResult } from './webhooks/index.ts';
