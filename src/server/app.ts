import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { clientErrorHandler } from './client-error.ts';
import { installErrorHandler, MUST_BE } from './api-error.ts';
import { installAuth } from './auth.ts';
import { tokenAccepted } from '../web/token.ts';
import type { ServerContext } from './context.ts';
import { collectOpenApi } from './openapi.ts';
import { routes as defaultRoutes, type RoutePlugin } from './routes/index.ts';
import type { TokenStore } from './token-store.ts';

export interface AppOptions {
  context: ServerContext;
  /** Tokens from the configuration. */
  tokens: readonly string[];
  tokenStore: TokenStore | null;
  protectMetrics?: boolean;
  logger?: Logger | false;
  routes?: readonly RoutePlugin[];
}

/**
 * The HTTP API as a fastify instance, not yet listening: strict JSON schemas (unknown fields
 * are refused, not dropped; no type coercion), bearer-token auth on `/v1`, `{ error, details }`
 * on every failure, and `/openapi.json` made from the route schemas. Tests call `inject` on it.
 */
/**
 * What a request line in the log says: never a credential. A token put in the query string
 * (`?token=`, `?access_token=`…) is refused, but the URL would still be written down as sent.
 */
function requestForLog(req: { method?: string; url?: string; headers?: Record<string, unknown>; socket?: { remoteAddress?: string } }) {
  const url = String(req.url ?? '').replace(/([?&](?:[a-z_]*token|key|secret|password|pass|auth)=)[^&#]*/gi, '$1[redacted]');
  return { method: req.method, url, host: req.headers?.host, remoteAddress: req.socket?.remoteAddress };
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger ? options.logger.child({}, { serializers: { req: requestForLog } }) : undefined,
    logger: options.logger === undefined || options.logger === false ? false : undefined,
    bodyLimit: options.context.bodyLimit,
    // a client that trickles its body (a byte every few seconds) is cut off after a minute instead
    // of holding a connection open for good; a 1 MiB body takes well under that on any real link
    requestTimeout: 60_000,
    // an address may be 254 octets, and percent-encoded UTF-8 triples that: fastify's default of
    // 100 refused real addresses with a 414 (ids are bounded by their own schemas)
    routerOptions: { maxParamLength: 1024 },
    // malformed URLs and over-long parameters are refused before routing; same JSON shape
    frameworkErrors: (err: { statusCode?: number; code?: string; message: string }, _req: unknown, reply: { code(n: number): { send(b: unknown): void } }) =>
      // the message quotes the URL: a long one is not echoed back whole
      reply.code(err.statusCode ?? 400).send({ error: err.code === 'FST_ERR_URL_TOO_LONG' || err.statusCode === 414 ? 'the URL is too long (a path parameter over 1,024 characters)' : err.message.slice(0, 300), details: { code: err.code, field: 'url' } }),
    clientErrorHandler,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false, verbose: true, keywords: [MUST_BE] } },
  } as never) as unknown as FastifyInstance;
  installErrorHandler(app);
  // fastify reads text/plain bodies as strings by default; no API route takes one, and a string
  // reaching a JSON schema gave misleading field errors instead of the 415 it is (webhook routes
  // add their own text/plain parser in their scope)
  app.removeContentTypeParser('text/plain');
  installAuth(app, { tokens: options.tokens, store: options.tokenStore, protectMetrics: options.protectMetrics ?? false });
  const openapi = collectOpenApi(app, { title: 'Rebound HTTP API', version: '1' });
  app.get('/openapi.json', async () => openapi.document());
  const acceptsToken = (token: string): boolean => tokenAccepted(options.tokens, token) || (options.tokenStore?.scopeOf(token) ?? null) !== null;
  const context: ServerContext = { ...options.context, acceptsToken };
  for (const plugin of options.routes ?? defaultRoutes) await app.register(plugin as never, context as never);
  return app;
}
