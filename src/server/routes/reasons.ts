import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.ts';
import { REASON_GUIDE } from '../../classify/reason-guide.ts';
import { errors } from './schemas.ts';

const guide = {
  type: 'object',
  properties: {
    category: { type: 'string' }, summary: { type: 'string' },
    causes: { type: 'array', items: { type: 'string' } }, whatToDo: { type: 'array', items: { type: 'string' } },
  },
} as const;

/**
 * `GET /v1/reasons`: what every reason means to a sender and what to do about it (the guide
 * `rebound explain` prints), so a dashboard or a client can put advice beside a count.
 */
export async function reasonRoutes(app: FastifyInstance, _ctx: ServerContext): Promise<void> {
  app.get('/v1/reasons', {
    schema: {
      summary: 'Every reason with its category, meaning, usual causes and what to do',
      querystring: { type: 'object', additionalProperties: false, properties: {} },
      response: { 200: { type: 'object', properties: { reasons: { type: 'object', additionalProperties: guide } } }, ...errors },
    },
  }, async () => ({ reasons: REASON_GUIDE }));
}
