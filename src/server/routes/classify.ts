import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.ts';
import { classificationSchema, errors } from './schemas.ts';

/** `POST /v1/classify`: what a reply means, without recording anything. */
export async function classifyRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.post('/v1/classify', {
    schema: {
      summary: 'Classify an SMTP reply (nothing is recorded)',
      body: {
        type: 'object', additionalProperties: false, required: ['reply'],
        properties: { reply: { type: 'string', minLength: 1, maxLength: 65536 } },
      },
      response: { 200: classificationSchema, ...errors },
    },
  }, async (request) => ctx.classifier.classify((request.body as { reply: string }).reply));
}
