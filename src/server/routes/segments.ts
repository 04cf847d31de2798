import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../metrics/metrics.ts';
import { MetricsQueryError, parseMetricsQuery, WINDOW_PARAMS, type ParsedQuery } from '../../metrics/query.ts';
import { exportSegment } from '../../metrics/segment-export.ts';
import { SEGMENT_KINDS } from '../../metrics/metrics-store.ts';
import { metricsQuerySchema } from './metrics-routes.ts';
import { errorSchema } from './schemas.ts';

export interface SegmentRoutesOptions {
  metrics: Metrics;
}

const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8', jsonl: 'application/x-ndjson; charset=utf-8' };

/**
 * `GET /v1/segments/affected?kind=deferred|held|unavailable|suppressed|touched&from&to&enhanced&reason&domain&format=csv|json|jsonl`:
 * the affected recipients, streamed off the database cursor.
 */
export async function segmentRoutes(app: FastifyInstance, opts: SegmentRoutesOptions): Promise<void> {
  app.get('/v1/segments/affected', {
    schema: {
      summary: 'The recipients a segment holds (deferred, held behind a suspended destination, unavailable, suppressed or touched in the window), streamed',
      produces: Object.values(CONTENT_TYPES),
      querystring: metricsQuerySchema([], {
        from: { type: 'string', maxLength: 200, description: 'window start: ISO 8601 or epoch milliseconds (default: all time)' },
        kind: { type: 'string', enum: [...SEGMENT_KINDS], description: 'which recipients (default touched)' },
        format: { type: 'string', enum: Object.keys(CONTENT_TYPES), description: 'csv, json or jsonl (default json)' },
        limit: { type: 'string', maxLength: 200, description: 'only the first N recipients, 1 to 10000 (default: all)' },
      }),
      response: { 400: errorSchema },
    },
    attachValidation: true,
  }, async (req, reply) => {
    let q: ParsedQuery;
    try {
      // Segments default to all time: a recipient is currently deferred whenever it was last tried.
      const query = { from: '0', ...(req.query as Record<string, unknown>) };
      q = parseMetricsQuery(query, opts.metrics.clock.now(), [...WINDOW_PARAMS, 'kind', 'format', 'limit']);
    } catch (err) {
      if (err instanceof MetricsQueryError) return reply.code(400).send({ error: err.message, details: { field: 'querystring' } });
      throw err;
    }
    reply.type(CONTENT_TYPES[q.format]);
    if (q.format === 'csv') reply.header('content-disposition', `attachment; filename="rebound-${q.kind}.csv"`);
    const max = (req.query as { limit?: unknown }).limit === undefined ? null : q.limit;
    return reply.send(Readable.from(exportSegment(opts.metrics.metrics, q, q.format, max)));
  });
}
