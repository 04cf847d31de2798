import { addressKey, domainKey } from '../engine/address-key.ts';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/store.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { rowToDelivery } from '../store/rows.ts';
import type { DeliveryRecord, DeliveryStatus } from '../store/types.ts';
import { heldUntil } from '../engine/decide-outcome.ts';
import type { Clock } from '../engine/clock.ts';
import { errors } from '../server/routes/schemas.ts';
import { tagSchema } from '../server/routes/tags.ts';
import { ApiError } from '../server/api-error.ts';

const STATUSES: readonly DeliveryStatus[] = ['queued', 'deferred', 'delivered', 'failed'];
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
 * The newest deliveries to one domain. The Store interface lists by recipient or status only;
 * on SQLite one read-only query does it (a scan: the table has no domain index, acceptable for
 * a click in the dashboard), elsewhere the newest 10,000 are filtered.
 */
async function byDomain(store: Store, domain: string, limit: number): Promise<DeliveryRecord[]> {
  if (store instanceof SqliteStore) {
    const rows = store.db.prepare('SELECT * FROM deliveries WHERE domain = ? ORDER BY created_at DESC, id DESC LIMIT ?').all(domain, limit);
    return (rows as Array<Record<string, unknown>>).map(rowToDelivery);
  }
  return (await store.listDeliveries({ limit: 10_000, newestFirst: true })).filter((d) => d.domain === domain).slice(0, limit);
}

/**
 * What the dashboard needs that the rest of the API does not offer: the queue depth by status
 * (`GET /v1/deliveries/counts`) and a delivery list by domain, recipient or status
 * (`GET /v1/deliveries?domain=&recipient=&status=&limit=`). Under /v1, so the API's auth applies.
 */
export async function deliveryListRoutes(app: FastifyInstance, opts: { store: Store; clock: Clock }): Promise<void> {
  const { store, clock } = opts;
  app.get('/v1/deliveries/counts', {
    schema: { summary: 'How many deliveries are in each status (the queue depth)', querystring: { type: 'object', additionalProperties: false, properties: {} }, response: { 200: { type: 'object', additionalProperties: { type: 'integer' } }, ...errors } },
  }, async () => store.countDeliveries());

  app.get('/v1/deliveries', {
    schema: {
      summary: 'Deliveries by domain, recipient, status or tag, newest first',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          domain: { type: 'string', minLength: 1, maxLength: 255 }, recipient: { type: 'string', minLength: 3, maxLength: 320 },
          status: { type: 'string', enum: [...STATUSES] }, tag: tagSchema, limit: { type: 'string', pattern: '^(?:[1-9][0-9]?|[1-4][0-9][0-9]|500)$', description: '1 to 500 (default 100)' },
        },
      },
      response: { ...errors },
    },
  }, async (request) => {
    const q = request.query as { domain?: string; recipient?: string; status?: DeliveryStatus; tag?: string; limit?: string };
    const limit = Math.min(500, Math.max(1, Number(q.limit ?? 100)));
    if (q.domain && q.tag) throw new ApiError(400, 'querystring.tag: cannot be combined with domain; give one of them', { field: 'querystring.tag' });
    let list = q.domain
      ? await byDomain(store, domainKey(q.domain), q.recipient || q.status ? 10_000 : limit)
      : await store.listDeliveries({ recipient: q.recipient === undefined ? undefined : addressKey(q.recipient), status: q.status, tag: q.tag, limit, newestFirst: true });
    if (q.domain && q.recipient) list = list.filter((d) => d.recipient === addressKey(q.recipient!));
    if (q.domain && q.status) list = list.filter((d) => d.status === q.status);
    const now = clock.now();
    return { deliveries: list.slice(0, limit).map((d) => row(d, now)) };
  });
}
