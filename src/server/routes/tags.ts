import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.ts';
import { iso, type ServerContext } from '../context.ts';
import { errors } from './schemas.ts';
import { complaintLevel } from '../../metrics/metrics.ts';

/** A message's tag as the API takes it: a campaign or stream name that fits in a URL path segment. */
export const TAG_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$';
export const tagSchema = { type: 'string', pattern: TAG_PATTERN, description: 'a campaign or stream name: letters, digits and ._:- (up to 100)', 'x-must-be': 'a tag: letters, digits and ._:-, beginning with a letter or digit (up to 100)' } as const;

const countsOf = (entries: Iterable<[string, number]>): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const [k, n] of entries) out[k] = (out[k] ?? 0) + n;
  return out;
};

/**
 * How one send fared, for the sender who tagged its messages (`tag` on `POST /v1/messages`):
 * deliveries by status, why the failed ones failed and why the waiting ones wait, what was never
 * sent (suppressed or cooling-off addresses), and the bounce rate of what was sent.
 */
export async function tagRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get('/v1/tags', {
    schema: {
      summary: 'Tags given to messages, the most recently used first',
      querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'string', pattern: '^(?:[1-9][0-9]{0,2}|1000)$', description: '1 to 1000 (default 100)', 'x-must-be': '1 to 1000' } } },
      response: {
        200: { type: 'object', properties: { tags: { type: 'array', items: { type: 'object', properties: { tag: { type: 'string' }, messages: { type: 'integer' }, firstAt: { type: 'string' }, lastAt: { type: 'string' } } } } } },
        ...errors,
      },
    },
  }, async (request) => {
    const { limit } = request.query as { limit?: string };
    return { tags: (await ctx.store.listTags(Number(limit ?? 100))).map((t) => ({ ...t, firstAt: iso(t.firstAt)!, lastAt: iso(t.lastAt)! })) };
  });

  app.get('/v1/tags/:tag', {
    schema: {
      summary: 'How the deliveries of every message with this tag stand: by status, why they failed or wait, the bounce rate',
      params: { type: 'object', required: ['tag'], properties: { tag: tagSchema } },
      querystring: { type: 'object', additionalProperties: false, properties: {} },
      response: { ...errors },
    },
  }, async (request) => {
    const { tag } = request.params as { tag: string };
    const s = await ctx.store.tagSummary(tag);
    if (!s) throw new ApiError(404, `no message has the tag ${JSON.stringify(tag)}`, { field: 'params.tag' });
    const by = (status: string) => s.rows.filter((r) => r.status === status);
    const total = (rows: typeof s.rows) => rows.reduce((n, r) => n + r.count, 0);
    const failed = by('failed');
    const notSent = failed.filter((r) => r.refusedAtSubmission !== null);
    const bounced = failed.filter((r) => r.refusedAtSubmission === null);
    const delivered = total(by('delivered'));
    const sentAndEnded = delivered + total(bounced);
    return {
      tag: s.tag, messages: s.messages, firstAt: iso(s.firstAt), lastAt: iso(s.lastAt),
      // failed: after being sent; a recipient refused at submission was never sent, and is notSent
      deliveries: { total: total(s.rows), queued: total(by('queued')), deferred: total(by('deferred')), delivered, failed: total(bounced), notSent: total(notSent) },
      bounceRate: sentAndEnded ? total(bounced) / sentAndEnded : null,
      // as mailbox providers count a spam rate: reports over what was delivered
      complaints: s.complaints,
      complaintRate: delivered ? s.complaints / delivered : null,
      complaintLevel: complaintLevel(delivered ? s.complaints / delivered : null),
      failedByReason: countsOf(bounced.map((r) => [r.reason ?? 'none', r.count])),
      waitingByReason: countsOf(by('deferred').map((r) => [r.reason ?? 'none', r.count])),
      notSent: countsOf(notSent.map((r) => [r.refusedAtSubmission!, r.count])),
    };
  });
}
