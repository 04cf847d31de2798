import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Metrics } from '../../metrics/metrics.ts';
import { MetricsQueryError, parseMetricsQuery, WINDOW_PARAMS, type ParsedQuery, type QueryParam } from '../../metrics/query.ts';
import { errorSchema } from './schemas.ts';

export interface MetricsRoutesOptions {
  metrics: Metrics;
}

/**
 * `GET /v1/metrics/*`: the seed's monitoring figures over a window (from, to), filterable by
 * enhanced code, reason and domain. Shapes: docs/metrics.md.
 */
export async function metricsRoutes(app: FastifyInstance, opts: MetricsRoutesOptions): Promise<void> {
  const { metrics } = opts;
  const route = (path: string, summary: string, own: readonly QueryParam[], answer: (q: ParsedQuery) => Promise<unknown>): void => {
    const accepts = [...WINDOW_PARAMS, ...own];
    // The schema documents the query for /openapi.json; parseMetricsQuery checks it (attachValidation
    // keeps fastify's own check from answering first), so the CLI and the API give the same errors.
    app.get(path, { schema: { summary, querystring: metricsQuerySchema(own), response: { 200: OPEN_OBJECT, 400: errorSchema } }, attachValidation: true }, async (req, reply: FastifyReply) => {
      let q: ParsedQuery;
      try {
        q = parseMetricsQuery(req.query, metrics.clock.now(), accepts);
      } catch (err) {
        if (err instanceof MetricsQueryError) return reply.code(400).send({ error: err.message, details: { field: 'querystring' } });
        throw err;
      }
      return answer(q);
    });
  };
  route('/v1/metrics/summary', 'Deferrals, failures, suppressions and resolutions over the window (docs/metrics.md)', [], (q) => metrics.summary(q));
  route('/v1/metrics/refusals', 'Permanent failures over the window by code and reason, with the domains that refused most per reason', [], (q) => metrics.refusals(q));
  route('/v1/metrics/deferrals', 'Deferrals per hour or day (bucket) over the window', ['bucket'], (q) => metrics.frequency(q, q.bucket));
  route('/v1/metrics/destinations', 'Destinations by deferrals over the window, most first (limit)', ['limit'], (q) => metrics.destinations(q, q.limit).then((destinations) => ({ destinations })));
  route('/v1/metrics/resolution', 'Incidents resolved in the window (count, percentiles, open ones) and the incidents themselves, the most recently opened first (limit)', ['limit'], async (q) => {
    const { incidents, ...resolution } = await metrics.resolution(q);
    // newest first: a month of greylisting-sized incidents ran to 38,000 (8 MB) in one answer
    const newest = [...incidents].sort((a, b) => b.openedAt - a.openedAt || b.id - a.id);
    return { ...resolution, open: resolution.open.slice(0, q.limit), openTotal: resolution.open.length, incidentsTotal: incidents.length, incidents: newest.slice(0, q.limit) };
  });
  route('/v1/metrics/retry-success', 'Share of retries that delivered, by attempt number', [], (q) => metrics.retrySuccess(q));
  route('/v1/metrics/time-of-day', 'Deferrals by weekday and hour in a time zone (tz)', ['tz'], async (q) => {
    const timeZone = q.timeZone ?? metrics.timeZone;
    return { timeZone, weekdays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'], counts: await metrics.timeOfDay(q, timeZone) };
  });
}

/** Shapes differ per route and are documented in docs/metrics.md; declared open so nothing is stripped. */
const OPEN_OBJECT = { type: 'object', additionalProperties: true } as const;

const text = (description: string) => ({ type: 'string', maxLength: 200, description });

const OWN_PARAMS: Partial<Record<QueryParam, unknown>> = {
  tz: text('IANA time zone for time-of-day (default: the server\'s, UTC unless configured)'),
  bucket: { type: 'string', enum: ['hour', 'day'], description: 'bucket size (default hour)' },
  limit: text('how many destinations or incidents (default 50, at most 10000)'),
};

/**
 * The query of a metrics route or `GET /v1/segments/affected` for /openapi.json: the window and
 * filters, the route's own parameters, and `extra` descriptions (src/metrics/query.ts reads it).
 */
export function metricsQuerySchema(own: readonly QueryParam[], extra: Record<string, unknown> = {}) {
  return {
    type: 'object',
    properties: {
      from: text('window start: ISO 8601 or epoch milliseconds (default: 7 days before to)'),
      to: text('window end: ISO 8601 or epoch milliseconds (default: now)'),
      enhanced: text('only this enhanced status code, e.g. 4.3.2'),
      reason: text('only this reason, e.g. notaccept'),
      domain: text('only this receiving domain'),
      ...Object.fromEntries(own.filter((k) => OWN_PARAMS[k] !== undefined).map((k) => [k, OWN_PARAMS[k]])),
      ...extra,
    },
  };
}
