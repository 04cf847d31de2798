import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.ts';
import { storeUnavailable } from '../../store/unavailable.ts';

/** How long /healthz waits for the database before it calls it failing (wall time). */
const PING_TIMEOUT_MS = 2_000;

/**
 * `/healthz`: open. 200 when the process is up and its database answers; 503 saying why when the
 * database does not (a load balancer then stops sending work that could not be recorded). A
 * `--role worker` node has no API; `--health-port` gives it a listener with this route alone.
 */
export async function healthRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get('/healthz', {
    schema: {
      summary: 'The process is up and its database answers',
      response: {
        200: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } },
        503: { type: 'object', properties: { status: { type: 'string', enum: ['failing'] }, error: { type: 'string' } } },
      },
    },
  }, async (request, reply) => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        ctx.store.ping(),
        new Promise((_, reject) => { timer = setTimeout(() => reject(Object.assign(new Error('no answer within 2 s'), { code: 'ETIMEDOUT' })), PING_TIMEOUT_MS); }),
      ]);
      return { status: 'ok' };
    } catch (err) {
      request.log.warn({ event: 'health.failing', err }, 'health check: the database does not answer');
      return reply.code(503).send({ status: 'failing', error: storeUnavailable(err) ?? 'the database does not answer' });
    } finally {
      clearTimeout(timer);
    }
  });
}
