import type { FastifyInstance, FastifyRequest, FastifySchema } from 'fastify';
import type { Registry } from 'prom-client';

export interface PrometheusRouteOptions {
  registry: Registry;
  /** When set, a scrape must pass it (the server's bearer-token check); unset: /metrics is open. */
  authorize?: (req: FastifyRequest) => boolean | Promise<boolean>;
}

/** `GET /metrics` in the Prometheus text format. */
export async function prometheusRoutes(app: FastifyInstance, opts: PrometheusRouteOptions): Promise<void> {
  app.get('/metrics', {
    schema: {
      summary: 'Prometheus metrics in the text exposition format (docs/metrics.md)', produces: ['text/plain; version=0.0.4'],
      ...(opts.authorize ? { security: [{ bearer: [] }] } : {}),
    } as FastifySchema,
  }, async (req, reply) => {
    if (opts.authorize && !(await opts.authorize(req))) return reply.code(401).send({ error: 'a bearer token is required for /metrics', details: { field: 'headers.authorization' } });
    const body = await opts.registry.metrics();
    return reply.type(opts.registry.contentType).send(body);
  });
}
