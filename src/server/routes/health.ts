import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.ts';

/** `/healthz`: open, and says only that the process is up. */
export async function healthRoutes(app: FastifyInstance, _ctx: ServerContext): Promise<void> {
  app.get('/healthz', {
    schema: { summary: 'The process is up', response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } },
  }, async () => ({ status: 'ok' }));
}
