import type { FastifyInstance, FastifySchema } from 'fastify';
import type { Classifier } from '../../classify/index.ts';
import type { Engine } from '../../engine/engine.ts';
import type { WebhookStore } from '../../store/webhook-store.ts';
import { dedupeBatch, normalizeWebhook, PROVIDERS, WebhookPayloadError } from '../../webhooks/index.ts';
import type { ControlMessage, ProviderName } from '../../webhooks/index.ts';
import { ApiError } from '../api-error.ts';
import { DEFAULT_LIMITS } from '../../webhooks/read-payload.ts';
import { errorSchema } from './schemas.ts';
import type { ServerContext } from '../context.ts';
import { verifyProvider, type ProviderSecrets } from './webhooks-verify.ts';

/** Fetches an SNS SubscribeURL (a GET); injected so tests never reach Amazon. */
export type SubscriptionConfirmer = (url: string) => Promise<void>;

/** What the ingest routes need besides the engine; the server puts it on its context as `webhooks`. */
export interface WebhookIngest {
  state: WebhookStore;
  secrets: ProviderSecrets;
  confirmSubscription?: SubscriptionConfirmer;
  /** A resend secret is configured: `POST /v1/messages` may register a message sent through an ESP (`resendUrl`). */
  resend?: boolean;
}

export interface WebhookIngestDeps {
  engine: Engine;
  classifier: Classifier;
  bodyLimit: number;
  webhooks: WebhookIngest;
  /** Wall time for signature checks (default Date.now); tests pin it. */
  wallClock?: () => number;
}

/** SNS's own hosts: a SubscribeURL anywhere else is never fetched (it would be a request forgery). */
const SNS_CONFIRM_HOST = /^sns\.[a-z0-9-]{1,40}\.amazonaws\.com(\.cn)?$/;

export function isSnsConfirmUrl(url: string): boolean {
  if (url.length > 4096) return false;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && u.port === '' && u.username === '' && u.password === '' && SNS_CONFIRM_HOST.test(u.hostname)
      && u.searchParams.get('Action') === 'ConfirmSubscription';
  } catch {
    return false;
  }
}

export const fetchConfirmer: SubscriptionConfirmer = async (url) => {
  const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
  await res.body?.cancel();
  if (res.status < 200 || res.status >= 300) throw new Error(`SNS answered ${res.status} to the confirmation`);
};

export interface IngestSummary {
  provider: ProviderName;
  received: number;
  applied: number;
  duplicates: number;
  /** Events that changed nothing: a report on a delivery already final, a complaint already counted through another channel. */
  unchanged: number;
  unknown: number;
  ignored: number;
  confirmed: number;
}

/**
 * `POST /v1/webhooks/:provider` (ses, sendgrid, mailgun, postmark, sparkpost): the provider's
 * signature or shared secret first (401, nothing recorded, on a bad one), then every event of the
 * body normalized, each applied once (repeats inside the batch dropped, then the store's
 * idempotency key per provider event id), unknown event types counted, and an SNS subscription
 * confirmed by fetching its SubscribeURL from SNS's own host only. Registered only when the
 * server's context carries `webhooks`; those routes authenticate by the provider's secret, not
 * by API token.
 */
export async function webhookIngestRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const webhooks = (ctx as ServerContext & { webhooks?: WebhookIngest }).webhooks;
  if (!webhooks) return;
  await registerWebhookIngest(app, { engine: ctx.engine, classifier: ctx.classifier, bodyLimit: ctx.bodyLimit, webhooks });
}

export async function registerWebhookIngest(app: FastifyInstance, deps: WebhookIngestDeps): Promise<void> {
  const { engine, webhooks } = deps;
  // signatures and their replay windows are checked against wall time: the sender signs with its
  // own clock, whatever speed the engine's runs at (--time-scale)
  const now = deps.wallClock ?? Date.now;
  // The raw bytes are what SendGrid signs: JSON is parsed here, after the check, from the same text.
  // An ESP's batch may be larger than the API's body limit, and a 413 would be refused again on
  // every retry until the ESP gives up: these routes take what the normalizer reads (10 MiB).
  const bodyLimit = Math.max(deps.bodyLimit, DEFAULT_LIMITS.maxBytes);
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'string', bodyLimit }, (_req, body, done) => done(null, body));

  app.post<{ Params: { provider: string } }>('/v1/webhooks/:provider', {
    bodyLimit,
    // documents the route in /openapi.json; the provider is checked below (404 names the known ones)
    // and the body is the provider's own format, read after its signature is verified
    schema: {
      summary: 'An ESP\'s bounce, complaint and delivery events (authenticated by the provider\'s signature or secret, not the API token)',
      params: { type: 'object', properties: { provider: { type: 'string', maxLength: 40, description: PROVIDERS.join(', ') } } },
      consumes: ['application/json', 'text/plain'],
      security: [],
      response: {
        200: {
          type: 'object',
          properties: Object.fromEntries(['received', 'applied', 'duplicates', 'unchanged', 'unknown', 'ignored', 'confirmed'].map((k) => [k, { type: 'integer' }]).concat([['provider', { type: 'string' }]])),
        },
        400: errorSchema, 401: errorSchema, 404: errorSchema, 413: errorSchema, 503: errorSchema,
      },
    } as FastifySchema,
    attachValidation: true,
  }, async (request, reply) => {
    const provider = request.params.provider as ProviderName;
    if (!(PROVIDERS as readonly string[]).includes(provider) || !webhooks.secrets[provider]) {
      throw new ApiError(404, `no webhook is configured for provider ${JSON.stringify(String(request.params.provider).slice(0, 40))}`, { known: PROVIDERS });
    }
    const raw = typeof request.body === 'string' ? request.body : '';
    let payload: unknown = null;
    try {
      payload = JSON.parse(raw);
    } catch {
      // left null: signature checks that need fields refuse it, and normalizing reports the parse error
    }
    const verified = await verifyProvider(provider, webhooks.secrets, { raw, payload, headers: request.headers, now });
    if (!verified.ok) {
      // SNS retries only server-side errors: a certificate we could not fetch is our outage, not a
      // bad signature, and a 401 would make Amazon drop the notification for good
      if (verified.failure === 'cert-unavailable') {
        request.log.warn({ event: 'webhook.cert_unavailable', provider, failure: verified.failure }, 'webhook not checked: the signing certificate could not be fetched');
        void reply.header('retry-after', '60');
        throw new ApiError(503, 'webhook not checked: the signing certificate could not be fetched; nothing was recorded, send it again', { failure: verified.failure });
      }
      request.log.warn({ event: 'webhook.refused', provider, failure: verified.failure }, 'webhook signature refused');
      throw new ApiError(401, `webhook refused: ${verified.failure}`, { failure: verified.failure });
    }
    try {
      return reply.code(200).send(await ingest(provider, raw, deps));
    } catch (err) {
      await verified.release?.();
      if (err instanceof WebhookPayloadError) throw new ApiError(400, err.message);
      throw err;
    }
  });
}

async function ingest(provider: ProviderName, raw: string, deps: WebhookIngestDeps): Promise<IngestSummary> {
  const { engine, webhooks } = deps;
  const at = engine.clock.now();
  const batch = normalizeWebhook(provider, raw, { classify: (text) => deps.classifier.classify(text), now: () => engine.clock.now() });
  const summary: IngestSummary = { provider, received: batch.results.length, applied: 0, duplicates: 0, unchanged: 0, unknown: 0, ignored: batch.counts.ignored, confirmed: 0 };
  for (const r of batch.results) {
    if (r.kind === 'unknown') {
      await webhooks.state.countUnknownEvent(provider, r.providerType ?? '(none)', r.why, at);
      summary.unknown++;
    } else if (r.kind === 'control') {
      summary.confirmed += await confirm(r, webhooks.confirmSubscription ?? fetchConfirmer);
    }
  }
  const { unique, duplicates } = dedupeBatch(batch.results);
  summary.duplicates = duplicates.length;
  for (const r of unique) {
    const id = r.event.eventId;
    if (id !== null && !(await webhooks.state.claimIngestKey(provider, id, at))) {
      summary.duplicates++;
      continue;
    }
    try {
      if ((await engine.applyBounceEvent(r.event)).applied) summary.applied++;
      else summary.unchanged++;
    } catch (err) {
      // Not applied: forget the key so the provider's retry of this batch applies it.
      if (id !== null) await webhooks.state.releaseIngestKey(provider, id).catch(() => {});
      throw err;
    }
  }
  return summary;
}

async function confirm(message: ControlMessage, confirmer: SubscriptionConfirmer): Promise<number> {
  if (message.action !== 'subscription-confirmation') return 0;
  const url = message.subscribeUrl;
  if (!url || !isSnsConfirmUrl(url)) throw new ApiError(400, 'the SubscribeURL is not an SNS ConfirmSubscription URL; not fetched');
  await confirmer(url);
  return 1;
}
