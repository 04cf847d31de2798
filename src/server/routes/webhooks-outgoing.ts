import type { FastifyInstance } from 'fastify';
import type { OutgoingRecord, WebhookStore } from '../../store/webhook-store.ts';
import { outgoingEventId } from '../../webhooks/outgoing/dispatcher.ts';
import { ApiError } from '../api-error.ts';
import { iso, type ServerContext } from '../context.ts';
import { errors } from './schemas.ts';

const row = {
  type: 'object',
  properties: {
    id: { type: 'integer', description: 'the row (one event for one endpoint); what redeliver takes' },
    endpoint: { type: 'string' }, eventId: { type: 'string', description: 'the Rebound-Event-Id the endpoint receives' },
    eventType: { type: 'string' }, status: { type: 'string', enum: ['pending', 'delivered', 'dead'] }, attempts: { type: 'integer' },
    nextAttemptAt: { type: ['string', 'null'] }, lastError: { type: ['string', 'null'] }, createdAt: { type: 'string' }, updatedAt: { type: 'string' },
  },
} as const;

function view(r: OutgoingRecord) {
  return {
    id: r.id, endpoint: r.endpoint, eventId: outgoingEventId(r), eventType: r.eventType, status: r.status, attempts: r.attempts,
    nextAttemptAt: iso(r.nextAttemptAt), lastError: r.lastError, createdAt: iso(r.createdAt)!, updatedAt: iso(r.updatedAt)!,
  };
}

/**
 * The outgoing webhooks' queue as an operator needs it: what is dead (retries ran out) or still
 * pending, and a way to send dead letters again once the endpoint is fixed
 * (`GET /v1/outgoing-webhooks`, `POST /v1/outgoing-webhooks/redeliver`).
 */
export async function outgoingWebhookRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const state = (ctx as ServerContext & { webhooks?: { state: WebhookStore } }).webhooks?.state ?? null;
  const need = (): WebhookStore => {
    if (!state) throw new ApiError(404, 'no webhooks file is configured (rebound serve --webhooks FILE), so there are no outgoing webhooks');
    return state;
  };

  app.get('/v1/outgoing-webhooks', {
    schema: {
      summary: 'Outgoing webhook POSTs by status: dead letters (retries ran out), pending, delivered; oldest first',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          status: { type: 'string', enum: ['dead', 'pending', 'delivered'], description: 'default dead' },
          limit: { type: 'string', pattern: '^(?:[1-9][0-9]{0,2}|1000)$', description: '1 to 1000 (default 100)', 'x-must-be': '1 to 1000' },
        },
      },
      response: { 200: { type: 'object', properties: { outgoing: { type: 'array', items: row } } }, ...errors },
    },
  }, async (request) => {
    const q = request.query as { status?: 'dead' | 'pending' | 'delivered'; limit?: string };
    const rows = await need().listOutgoing(q.status ?? 'dead', Number(q.limit ?? 100));
    return { outgoing: rows.map(view) };
  });

  app.post('/v1/outgoing-webhooks/redeliver', {
    schema: {
      summary: 'Send dead letters again: the rows named by id, or every dead one; each gets a fresh three-day retry window',
      body: {
        type: 'object', additionalProperties: false,
        properties: {
          ids: { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'integer', minimum: 1 } },
          all: { type: 'boolean', const: true },
        },
      },
      response: { 200: { type: 'object', properties: { redelivered: { type: 'integer' } } }, ...errors },
    },
  }, async (request) => {
    const body = (request.body ?? {}) as { ids?: number[]; all?: true };
    if ((body.ids === undefined) === (body.all === undefined)) throw new ApiError(400, 'body: give either "ids" (rows from GET /v1/outgoing-webhooks) or "all": true', { field: 'body' });
    const store = need();
    const now = ctx.engine.clock.now();
    let redelivered = 0;
    if (body.all) redelivered = await store.redeliverDead('all', now);
    else for (const id of new Set(body.ids)) redelivered += await store.redeliverDead(id, now);
    request.log.info({ event: 'webhooks.redelivered', redelivered }, 'dead letters sent again');
    return { redelivered };
  });
}
