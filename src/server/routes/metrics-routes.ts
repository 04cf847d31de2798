import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Metrics } from '../../metrics/metrics.ts';
import { MetricsQueryError, parseMetricsQuery, type ParsedQuery } from '../../metrics/query.ts';

export interface MetricsRoutesOptions {
  metrics: Metrics;
}

/**
 * `GET /v1/metrics/*`: the seed's monitoring figures over a window (from, to), filterable by
 * enhanced code, reason and domain. Shapes: docs/metrics.md.
 */
export async function metricsRoutes(app: FastifyInstance, opts: MetricsRoutesOptions): Promise<void> {
  const { metrics } = opts;
  const route = (path: string, answer: (q: ParsedQuery) => Promise<unknown>): void => {
    app.get(path, async (req, reply: FastifyReply) => {
      let q: ParsedQuery;
      try {
        q = parseMetricsQuery(req.query, metrics.clock.now());
      } catch (err) {
        if (err instanceof MetricsQueryError) return reply.code(400).send({ error: err.message });
        throw err;
      }
      return answer(q);
    });
  };
  route('/v1/metrics/summary', (q) => metrics.summary(q));
  route('/v1/metrics/deferrals', (q) => metrics.frequency(q, q.bucket));
  route('/v1/metrics/destinations', (q) => metrics.destinations(q, q.limit).then((destinations) => ({ destinations })));
  route('/v1/metrics/resolution', (q) => metrics.resolution(q));
  route('/v1/metrics/retry-success', (q) => metrics.retrySuccess(q));
  route('/v1/metrics/time-of-day', async (q) => {
    const timeZone = q.timeZone ?? metrics.timeZone;
    return { timeZone, weekdays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'], counts: await metrics.timeOfDay(q, timeZone) };
  });
}
