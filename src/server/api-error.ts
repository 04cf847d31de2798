import type { FastifyError, FastifyInstance } from 'fastify';
import { storeUnavailable } from '../store/unavailable.ts';

/** An API failure with its status; rendered as `{ error, details }`. */
export class ApiError extends Error {
  constructor(readonly statusCode: number, message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
  }
}

/** The schema keyword that says in words what a pattern asks for (an annotation: ajv checks nothing by it). */
export const MUST_BE = 'x-must-be';

interface ValidationItem {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
  /** ajv's `verbose` option: the schema the value failed, whose `x-must-be` says the rule in words. */
  parentSchema?: Record<string, unknown>;
}

/** `/body/to/0` plus ajv's params → the field the client must fix, e.g. `body.to[0]` or `body.colour`. */
function fieldOf(context: string | undefined, item: ValidationItem): string {
  const parts = (item.instancePath ?? '').split('/').filter(Boolean).map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`));
  const extra = item.params?.additionalProperty ?? item.params?.missingProperty;
  if (typeof extra === 'string') parts.push(`.${extra}`);
  return `${context ?? 'body'}${parts.join('')}`;
}

/** ajv's words, with the values an enum allows ("must be one of: queued, deferred…"), which ajv leaves out. */
function messageOf(item: ValidationItem): string {
  if (item.params?.additionalProperty) return 'unknown field';
  const allowed = item.params?.allowedValues;
  if (Array.isArray(allowed)) return `must be one of: ${allowed.map(String).join(', ')}`;
  // ajv would quote the regular expression; the schema's `x-must-be` (MUST_BE) says what it means
  const said = item.parentSchema?.[MUST_BE];
  if (item.keyword === 'pattern' && typeof said === 'string') return `must be ${said}`;
  return item.message ?? 'invalid';
}

/**
 * Every error leaves as JSON `{ error, details }`: schema failures name the field, parser
 * failures say what could not be read, and anything unexpected is a 500 with no internals.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | ApiError, request, reply) => {
    if (err instanceof ApiError) return reply.code(err.statusCode).send({ error: err.message, details: err.details });
    const fe = err as FastifyError & { validation?: ValidationItem[]; validationContext?: string };
    if (fe.validation) {
      const first = fe.validation[0] ?? {};
      const field = fieldOf(fe.validationContext, first);
      return reply.code(400).send({ error: `${field}: ${messageOf(first)}`, details: { field, problems: fe.validation.map((v) => ({ field: fieldOf(fe.validationContext, v), message: messageOf(v) })) } });
    }
    const status = typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500 ? fe.statusCode : 500;
    const unavailable = status === 500 ? storeUnavailable(err) : null;
    if (unavailable) {
      // nothing was written (every write is one transaction); the client may try again
      request.log.error({ event: 'http.store_unavailable', err }, 'request failed: the database is unavailable');
      return reply.code(503).header('retry-after', '10').send({ error: `${unavailable}; nothing was recorded, try again later`, details: { code: (err as { code?: string }).code ?? null } });
    }
    if (status === 500) {
      request.log.error({ event: 'http.error', err }, 'request failed');
      return reply.code(500).send({ error: 'internal error', details: {} });
    }
    const messages: Record<string, string> = {
      FST_ERR_CTP_BODY_TOO_LARGE: 'the request body is larger than the limit',
      FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported Content-Type',
      FST_ERR_CTP_EMPTY_JSON_BODY: 'the JSON body is empty',
      FST_ERR_CTP_INVALID_JSON_BODY: 'the body is not valid JSON',
    };
    let message = messages[fe.code] ?? (/JSON/.test(fe.message) ? `the body is not valid JSON: ${fe.message}` : fe.message);
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      const given = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().slice(0, 80);
      message = `unsupported Content-Type ${JSON.stringify(given)}: send application/json (POST /v1/messages and /v1/bounces also take message/rfc822)`;
    }
    return reply.code(status).send({ error: message, details: { code: fe.code, ...(status === 413 ? { field: 'body' } : {}) } });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}`, details: {} }));
}
