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
export { sign as signWebhook, verify as verifyWebhook, signatureHeader as webhookSignatureHeader, SIGNATURE_HEADER } from './webhooks/index.ts';
export type { ProviderName, NormalizedBatch, NormalizedEvent, WebhookResult, VerifyResult } from './webhooks/index.ts';

// The engine and what drives it, for a program that embeds Rebound instead of running `rebound serve`.
export { Engine } from './engine/engine.ts';
export { Scheduler } from './engine/scheduler.ts';
export { RealClock, TestClock } from './engine/clock.ts';
export type { Clock } from './engine/clock.ts';
export type { Transport, DeliveryJob, AttemptOutcome } from './engine/transport.ts';
export { SqliteStore } from './store/sqlite/sqlite-store.ts';
export { PostgresStore } from './store/postgres/postgres-store.ts';
export { openStore } from './store/open-store.ts';
export type { Store } from './store/store.ts';
export { SmtpTransport, parseRelayUrl } from './delivery/transport/index.ts';
export { HealthGate, healthStoreFor } from './delivery/health/index.ts';
export { defaultPolicy } from './policy/compile-policy.ts';
export { loadPolicyFile, loadPolicyText } from './policy/load-policy.ts';
export type { Policy } from './policy/types.ts';
export { startServer } from './server/server.ts';
