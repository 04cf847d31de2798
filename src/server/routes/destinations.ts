import { domainToUnicode } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { iso, type ServerContext } from '../context.ts';
import { errors } from './schemas.ts';
import { healthAt } from '../../delivery/health/index.ts';

const destination = {
  type: 'object',
  properties: {
    domain: { type: 'string' }, domainUnicode: { type: 'string', description: 'the domain as people write it (an internationalised domain in Unicode; else the same as domain)' }, mxHost: { type: ['string', 'null'] }, health: { type: 'string', enum: ['open', 'suspended', 'probing'] },
    suspendedUntil: { type: ['string', 'null'] }, consecutiveFailures: { type: 'integer', description: 'failed attempts of any kind since the last success (not the destination-level count that suspends)' }, attemptCount: { type: 'integer' },
    successCount: { type: 'integer' }, failureCount: { type: 'integer' }, lastReply: { type: ['string', 'null'] },
    lastAt: { type: ['string', 'null'] }, updatedAt: { type: ['string', 'null'] },
  },
} as const;

/** `GET /v1/destinations`: every receiving domain with its health and counters. */
export async function destinationRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get('/v1/destinations', {
    schema: {
      summary: 'Receiving destinations: health, counters, last reply',
      querystring: { type: 'object', additionalProperties: false, properties: { health: { type: 'string', enum: ['open', 'suspended', 'probing'] } } },
      response: { 200: { type: 'object', properties: { destinations: { type: 'array', items: destination } } }, ...errors },
    },
  }, async (request) => {
    const { health } = request.query as { health?: string };
    const now = ctx.engine.clock.now();
    const all = (await ctx.store.listDestinations()).map((d) => ({ ...d, health: healthAt(d, now) }));
    const rows = health ? all.filter((d) => d.health === health) : all;
    return { destinations: rows.map((d) => ({ ...d, domainUnicode: domainToUnicode(d.domain) || d.domain, suspendedUntil: iso(d.suspendedUntil), lastAt: iso(d.lastAt), updatedAt: iso(d.updatedAt) })) };
  });
}
