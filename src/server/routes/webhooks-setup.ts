import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { keyOf, locate, yamlProblemText } from '../../policy/yaml-location.ts';
import { z } from 'zod';
import type { Classifier } from '../../classify/index.ts';
import type { Clock } from '../../engine/clock.ts';
import type { Transport } from '../../engine/transport.ts';
import { PostgresStore } from '../../store/postgres/postgres-store.ts';
import { PostgresWebhookStore } from '../../store/postgres/postgres-webhook-store.ts';
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts';
import { SqliteWebhookStore } from '../../store/sqlite/sqlite-webhook-store.ts';
import type { Store } from '../../store/store.ts';
import { httpsCertFetcher, isTrustedCertUrl, MemoryReplayStore, sendGridPublicKey, SnsCertCache, type CertFetcher } from '../../webhooks/index.ts';
import { OutgoingDispatcher } from '../../webhooks/outgoing/dispatcher.ts';
import { endpointsSchema } from '../../webhooks/outgoing/endpoints.ts';
import { ResendTransport, RoutingTransport } from '../../webhooks/resend/index.ts';
import type { WebhookIngest } from './webhooks-ingest.ts';
import type { ProviderSecrets } from './webhooks-verify.ts';

const secret = z.string().min(16, 'at least 16 characters');
const shared = z.strictObject({
  basic: z.array(z.strictObject({ username: z.string().min(1), password: secret })).optional(),
  tokens: z.array(secret).optional(),
}).refine((s) => (s.basic?.length ?? 0) + (s.tokens?.length ?? 0) > 0, 'give basic credentials or tokens');

/** The webhooks file of `rebound serve`: providers taken in, endpoints sent to, the resend secret. */
export const webhooksConfigSchema = z.strictObject({
  providers: z.strictObject({
    ses: z.strictObject({
      topicArns: z.array(z.string().startsWith('arn:')).optional(),
      // pinned signing certificates, SigningCertURL → PEM file (relative to this file): used instead
      // of fetching them, for a network that cannot reach Amazon, or to test with a key of one's own
      certificates: z.record(z.string(), z.string().min(1)).superRefine((pins, ctx) => {
        for (const url of Object.keys(pins)) {
          if (!isTrustedCertUrl(url)) ctx.addIssue({ code: 'custom', path: [url], message: 'not an SNS certificate URL (https://sns.<region>.amazonaws.com/….pem)' });
        }
      }).optional(),
    }).optional(),
    sendgrid: z.strictObject({ verificationKey: z.string().min(40) }).optional(),
    mailgun: z.strictObject({ signingKey: secret }).optional(),
    postmark: shared.optional(),
    sparkpost: shared.optional(),
  }).default({}),
  endpoints: endpointsSchema.default([]),
  resend: z.strictObject({ secret }).optional(),
});
export type WebhooksConfig = z.infer<typeof webhooksConfigSchema>;

export class WebhooksConfigError extends Error {
  override name = 'WebhooksConfigError';
}

/** Reads and validates a webhooks file (YAML or JSON); a bad key, type or key material stops the start. */
export function loadWebhooksConfig(file: string): WebhooksConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new WebhooksConfigError(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new WebhooksConfigError(doc.errors.map((e) => yamlProblemText(file, e)).join('\n'));
  }
  let parsed: unknown;
  try {
    parsed = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new WebhooksConfigError(`${file}: YAML: ${(err as Error).message}`, { cause: err });
  }
  const where = (path: ReadonlyArray<PropertyKey>) => {
    const at = locate(doc, lc, path);
    return `${file}${at ? `:${at.line}:${at.column}` : ''}: ${keyOf(path) || '(top)'}`;
  };
  const problems: string[] = [];
  const result = webhooksConfigSchema.safeParse(parsed ?? {});
  // every problem at once, each at its line, as the policy file's are
  if (!result.success) for (const issue of result.error.issues) problems.push(`${where(issue.path)}: ${issue.message}`);
  const sendgridKey = (parsed as { providers?: { sendgrid?: { verificationKey?: unknown } } } | null)?.providers?.sendgrid?.verificationKey;
  if (typeof sendgridKey === 'string' && sendgridKey.length >= 40) {
    try {
      sendGridPublicKey(sendgridKey);
    } catch (err) {
      problems.push(`${where(['providers', 'sendgrid', 'verificationKey'])}: ${(err as Error).message}`);
    }
  }
  // pinned certificates are read now: a missing or unreadable file stops the start, not a webhook
  const pinned = result.success ? result.data.providers.ses?.certificates ?? {} : {};
  for (const [url, path] of Object.entries(pinned)) {
    try {
      const pem = readFileSync(resolve(dirname(file), path), 'utf8');
      if (!/-----BEGIN CERTIFICATE-----/.test(pem)) throw new Error('not a PEM certificate');
      pinned[url] = pem;
    } catch (err) {
      problems.push(`${where(['providers', 'ses', 'certificates', url])}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message} (${path})`);
    }
  }
  if (problems.length > 0 || !result.success) throw new WebhooksConfigError(problems.join('\n'));
  return result.data;
}

/** A certificate the configuration pins is used as it is; any other is fetched. */
function pinnedFirst(pinned: Readonly<Record<string, string>>, fetch: CertFetcher): CertFetcher {
  return async (url) => (Object.hasOwn(pinned, url) ? pinned[url]! : fetch(url));
}

export interface WebhookServices {
  /** Put on the server context as `webhooks`: the ingest route registers with it. */
  ingest: WebhookIngest;
  /** The scheduler's transport: ESP messages to the resend hook (when configured), the rest to `smtp`. */
  transport: Transport;
  dispatcher: OutgoingDispatcher;
}

/**
 * Everything webhook-shaped `rebound serve` runs, from one validated configuration. The state
 * lives in the store's own database (migration 0003-webhooks of SQLite or PostgreSQL); start
 * `dispatcher.run(signal)` beside the scheduler.
 */
export function webhookServices(config: WebhooksConfig, deps: { store: Store; clock: Clock; classifier: Classifier; smtp: Transport; leaseMs?: number; onError?: (err: Error, context: string) => void }): WebhookServices {
  const state = deps.store instanceof SqliteStore ? new SqliteWebhookStore(deps.store.db)
    : deps.store instanceof PostgresStore ? new PostgresWebhookStore(deps.store)
      : null;
  if (!state) throw new WebhooksConfigError('webhooks need the SQLite or the PostgreSQL store');
  const now = () => deps.clock.now();
  const p = config.providers;
  const secrets: ProviderSecrets = {
    ses: p.ses ? { certs: new SnsCertCache({ fetch: pinnedFirst(p.ses.certificates ?? {}, httpsCertFetcher()), now }), topicArns: p.ses.topicArns } : undefined,
    sendgrid: p.sendgrid ? { publicKey: sendGridPublicKey(p.sendgrid.verificationKey) } : undefined,
    mailgun: p.mailgun ? { signingKey: p.mailgun.signingKey, replay: new MemoryReplayStore() } : undefined,
    postmark: p.postmark,
    sparkpost: p.sparkpost,
  };
  const transport = config.resend
    ? new RoutingTransport(deps.smtp, new ResendTransport({ store: deps.store, targets: state, secret: config.resend.secret, classify: (t) => deps.classifier.classify(t), clock: deps.clock }))
    : deps.smtp;
  const dispatcher = new OutgoingDispatcher({ store: deps.store, state, endpoints: config.endpoints, clock: deps.clock, leaseMs: deps.leaseMs, onError: deps.onError });
  return { ingest: { state, secrets, resend: config.resend !== undefined }, transport, dispatcher };
}
