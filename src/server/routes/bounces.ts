import { addressKey } from '../../engine/address-key.ts';
import { isIdOf } from '../../engine/ids.ts';
import type { FastifyInstance } from 'fastify';
import type { BounceEvent } from '../../classify/bounce-event.ts';
import { BUILTIN_RULES } from '../../classify/classifier.ts';
import { bounceToEvents, parseBounce } from '../../dsn/index.ts';
import { ApiError } from '../api-error.ts';
import type { ServerContext } from '../context.ts';
import { classificationSchema, email, errors } from './schemas.ts';

interface JsonBounce {
  reply: string;
  recipient: string;
  deliveryId?: string;
  at?: string;
  eventId?: string;
}

const jsonBody = {
  type: 'object',
  additionalProperties: false,
  required: ['reply', 'recipient'],
  properties: {
    reply: { type: 'string', minLength: 1, maxLength: 65536 },
    recipient: email,
    deliveryId: { type: 'string', minLength: 1, maxLength: 100 },
    at: { type: 'string', format: 'date-time' },
    eventId: { type: 'string', minLength: 1, maxLength: 200 },
  },
} as const;

const result = {
  type: 'object',
  properties: {
    kind: { type: 'string' },
    mta: { type: ['string', 'null'] },
    bounces: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          recipient: { type: 'string' }, originalRecipient: { type: ['string', 'null'] }, deliveryId: { type: ['string', 'null'] }, classification: classificationSchema,
          applied: { type: 'boolean' }, deliveryStatus: { type: ['string', 'null'] }, events: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
} as const;

/** `POST /v1/bounces`: a reply against a delivery or an address, or a whole bounce email; parsed, classified, applied. */
export async function bounceRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.addContentTypeParser('message/rfc822', { parseAs: 'buffer', bodyLimit: ctx.bodyLimit }, (_req, body, done) => done(null, body));

  app.post('/v1/bounces', {
    schema: {
      summary: 'Record a bounce: a reply ({ reply, recipient, deliveryId?, at? }) or a bounce email (message/rfc822)',
      body: { content: { 'application/json': { schema: jsonBody }, 'message/rfc822': { schema: {} } } },
      response: { 202: result, ...errors },
    },
  }, async (request, reply) => {
    const now = ctx.engine.clock.now();
    let events: BounceEvent[];
    let kind = 'reply';
    let mta: string | null = null;
    if (Buffer.isBuffer(request.body)) {
      const parsed = parseBounce(request.body, { classify: ctx.classifier.classify });
      if (parsed.error) throw new ApiError(400, `body: not a readable email: ${parsed.error}`, { field: 'body', notes: parsed.notes });
      events = bounceToEvents(parsed, { at: now, source: 'api' });
      kind = parsed.kind;
      mta = parsed.mta;
      if (events.length === 0) throw new ApiError(400, 'body: no bounced recipient found in this email', { field: 'body', kind: parsed.kind, mta: parsed.mta, notes: parsed.notes });
    } else {
      const b = request.body as JsonBounce;
      const at = b.at === undefined ? now : Date.parse(b.at);
      if (!Number.isFinite(at)) throw new ApiError(400, 'body.at: not an ISO 8601 time', { field: 'body.at' });
      // A delivery id of Rebound's form that it does not know (deleted by retention) leaves the
      // bounce to act on the address alone, as a bounce email naming one does: an application
      // that stored the id must not lose the suppression once the delivery is pruned. An id that
      // could never have been Rebound's is a mistake to report.
      if (b.deliveryId !== undefined) {
        const d = await ctx.store.getDelivery(b.deliveryId);
        if (!d && !isIdOf('dlv', b.deliveryId)) throw new ApiError(404, `no delivery ${b.deliveryId} (Rebound's delivery ids look like dlv_01kq3v5y8e2m7r9t4w6x)`, { field: 'body.deliveryId' });
        if (d && d.recipient !== addressKey(b.recipient)) throw new ApiError(409, `delivery ${b.deliveryId} is for another recipient`, { field: 'body.recipient', deliveryRecipient: d.recipient });
      }
      const classification = ctx.classifier.classify(b.reply);
      // Words with no reply code that no rule knows say nothing of the delivery: recorded, the
      // policy's fallback would fail it for good on the strength of "hello world".
      if (classification.class === null && classification.rule === BUILTIN_RULES.noMatch) {
        throw new ApiError(400, 'body.reply: has no SMTP reply code and no wording Rebound knows, so it says nothing about the delivery; send the receiving server\'s reply as it was written (such as "550 5.1.1 <jane@example.org>: user unknown"); POST /v1/classify shows how a reply reads', { field: 'body.reply' });
      }
      events = [{
        source: 'api', provider: null, eventId: b.eventId ?? null, recipient: b.recipient, deliveryId: b.deliveryId ?? null,
        originalMessageId: null, at, destination: null, response: b.reply, classification,
      }];
    }
    const results = await ctx.bounces.apply(events);
    request.log.info({ event: 'bounce.recorded', kind, count: events.length, applied: results.filter((r) => r.applied).length }, 'bounce recorded');
    return reply.code(202).send({
      kind, mta,
      bounces: events.map((e, i) => ({
        // the delivery it was matched to (one of several a shared transaction's header named), else as given
        recipient: e.recipient, originalRecipient: e.originalRecipient ?? null, deliveryId: results[i]!.delivery?.id ?? e.deliveryId,
        classification: e.classification, applied: results[i]!.applied,
        deliveryStatus: results[i]!.delivery?.status ?? null, events: results[i]!.events.map((ev) => ev.type),
      })),
    });
  });
}
