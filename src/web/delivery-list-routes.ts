import { addressKey, domainKey } from '../engine/address-key.ts';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/store.ts';
import type { DeliveryRecord, DeliveryStatus } from '../store/types.ts';
import { heldUntil } from '../engine/decide-outcome.ts';
import type { Clock } from '../engine/clock.ts';
import { errors } from '../server/routes/schemas.ts';
import { tagSchema } from '../server/routes/tags.ts';
import { deliveryCountsFor } from '../store/delivery-counts.ts';

const STATUSES: readonly DeliveryStatus[] = ['queued', 'deferred', 'delivered', 'failed'];

/** A page's end as the next page's `after`: the last row's id (lists run in id order, which is creation order). */
const CURSOR_PATTERN = '^[A-Za-z0-9_-]{1,100}$';
const iso = (at: number | null): string | null => (at === null ? null : new Date(at).toISOString());

/** A delivery as a list row: enough to find it and see how it stands, not its attempts. */
function row(d: DeliveryRecord, now: number) {
  return {
    id: d.id, recipient: d.recipient, domain: d.domain, status: d.status, attempts: d.attempts,
    lastReply: d.lastOutcome?.response ?? null, lastAt: iso(d.lastOutcome?.at ?? null),
    nextAttemptAt: iso(d.nextAttemptAt), waitingUntil: iso(heldUntil(d, now)), createdAt: iso(d.createdAt),
    // the policy rule that decided it; address/suppressed or address/unavailable: never sent
    rule: d.rule,
  };
}

/**
 * What the dashboard needs that the rest of the API does not offer: the queue depth by status
 * (`GET /v1/deliveries/counts`) and a delivery list by domain, recipient or status
 * (`GET /v1/deliveries?domain=&recipient=&status=&limit=`). Under /v1, so the API's auth applies.
 */
export async function deliveryListRoutes(app: FastifyInstance, opts: { store: Store; clock: Clock }): Promise<void> {
  const { store, clock } = opts;
  // the queue depth current, delivered and failed from a count at most a minute old (DeliveryCounts)
  const counts = (): Promise<Record<DeliveryStatus, number>> => deliveryCountsFor(store).read();
  app.get('/v1/deliveries/counts', {
    schema: { summary: 'How many deliveries are in each status (the queue depth)', querystring: { type: 'object', additionalProperties: false, properties: {} }, response: { 200: { type: 'object', additionalProperties: { type: 'integer' } }, ...errors } },
  }, async () => counts());

  app.get('/v1/deliveries', {
    schema: {
      summary: 'Deliveries by domain, recipient, status or tag, newest first',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          domain: { type: 'string', minLength: 1, maxLength: 255 }, recipient: { type: 'string', minLength: 3, maxLength: 320 },
          status: { type: 'string', enum: [...STATUSES] }, tag: tagSchema,
          limit: { type: 'string', pattern: '^(?:[1-9][0-9]?|[1-4][0-9][0-9]|500)$', description: '1 to 500 (default 100)', 'x-must-be': '1 to 500' },
          after: { type: 'string', pattern: CURSOR_PATTERN, description: 'the `next` of the previous page', 'x-must-be': 'the `next` value of a previous page' },
        },
      },
      response: { ...errors },
    },
  }, async (request) => {
    const q = request.query as { domain?: string; recipient?: string; status?: DeliveryStatus; tag?: string; limit?: string; after?: string };
    const limit = Math.min(500, Math.max(1, Number(q.limit ?? 100)));
    // one more than asked says whether another page follows
    const list = await store.listDeliveries({
      domain: q.domain === undefined ? undefined : domainKey(q.domain), recipient: q.recipient === undefined ? undefined : addressKey(q.recipient),
      status: q.status, tag: q.tag, limit: limit + 1, newestFirst: true, after: q.after,
    });
    const now = clock.now();
    const page = list.slice(0, limit);
    return { deliveries: page.map((d) => row(d, now)), next: list.length > limit ? page.at(-1)!.id : null };
  });
}
