import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.ts';
import { iso, type ServerContext } from '../context.ts';
import { errors } from './schemas.ts';

/**
 * What the bounce listener took in but could not read as a bounce (`GET /v1/quarantine`), and
 * each such email whole (`GET /v1/quarantine/:id`, message/rfc822): the place to look when a
 * receiving system's bounces are not being understood.
 */
export async function quarantineRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const quarantine = ctx.quarantine;
  if (!quarantine) return;
  app.get('/v1/quarantine', {
    schema: {
      summary: 'Inbound emails the SMTP listener accepted but could not read as bounces, newest first',
      querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'string', pattern: '^(?:[1-9][0-9]{0,2}|1000)$', description: '1 to 1000 (default 100)', 'x-must-be': '1 to 1000' } } },
      response: {
        200: {
          type: 'object',
          properties: {
            quarantined: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  id: { type: 'string' }, at: { type: 'string' }, why: { type: 'string' }, size: { type: 'integer' },
                  envelope: { type: 'object', properties: { from: { type: 'string' }, to: { type: 'array', items: { type: 'string' } }, client: { type: 'string' } } },
                },
              },
            },
          },
        },
        ...errors,
      },
    },
  }, async (request) => {
    const { limit } = request.query as { limit?: string };
    return { quarantined: (await quarantine.list(Number(limit ?? 100))).map((q) => ({ ...q, at: iso(q.at)! })) };
  });

  app.get('/v1/quarantine/:id', {
    schema: {
      summary: 'One quarantined email, as it was received (message/rfc822)',
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^q_[0-9a-f]{16}$', 'x-must-be': 'a quarantine id: q_ and 16 hex digits' } } },
      produces: ['message/rfc822'],
      response: { ...errors },
    },
  }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const raw = await quarantine.raw(id);
    if (!raw) throw new ApiError(404, `no quarantined email ${id}`, { field: 'params.id' });
    return reply.type('message/rfc822').header('content-disposition', `attachment; filename="${id}.eml"`).send(raw);
  });
}
