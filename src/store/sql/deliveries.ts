import { statement, type Statement } from './statement.ts';
import type { DeliveryQuery } from '../store.ts';
import type { DeliveryStatus } from '../types.ts';

const COLUMNS = `id, message_id, recipient, domain, status, attempts, max_attempts, next_attempt_at,
  first_deferred_at, expires_at, last_at, last_basic, last_enhanced, last_class, last_reason,
  last_response, rule, delay_warning_at, locked_by, locked_until, created_at, updated_at`;

export const insertDelivery = statement('insert-delivery',
  ['id', 'messageId', 'recipient', 'domain', 'status', 'attempts', 'maxAttempts', 'nextAttemptAt',
    'firstDeferredAt', 'expiresAt', 'lastAt', 'lastBasic', 'lastEnhanced', 'lastClass', 'lastReason',
    'lastResponse', 'rule', 'delayWarningAt', 'createdAt', 'updatedAt'], `
INSERT INTO deliveries (${COLUMNS})
VALUES (@id, @messageId, @recipient, @domain, @status, @attempts, @maxAttempts, @nextAttemptAt,
  @firstDeferredAt, @expiresAt, @lastAt, @lastBasic, @lastEnhanced, @lastClass, @lastReason,
  @lastResponse, @rule, @delayWarningAt, NULL, NULL, @createdAt, @updatedAt)`);

/**
 * Writes decided states, lease included (an outcome ends it; a delay warning leaves it). As
 * written it updates one delivery; the SQLite store repeats the VALUES tuple once per delivery
 * (`insertRows`), so a batch of outcomes costs a few statements instead of one each. Every id
 * must appear once (the store keeps the last state decided for each). PostgreSQL has its own
 * array form (postgres/sql/claims.ts).
 */
export const updateDeliveries = statement('update-deliveries',
  ['id', 'status', 'attempts', 'maxAttempts', 'nextAttemptAt', 'firstDeferredAt', 'expiresAt', 'lastAt',
    'lastBasic', 'lastEnhanced', 'lastClass', 'lastReason', 'lastResponse', 'rule', 'delayWarningAt',
    'lockedBy', 'lockedUntil', 'updatedAt'], `
WITH v (id, status, attempts, max_attempts, next_attempt_at, first_deferred_at, expires_at, last_at,
  last_basic, last_enhanced, last_class, last_reason, last_response, rule, delay_warning_at,
  locked_by, locked_until, updated_at) AS (
  VALUES (@id, @status, @attempts, @maxAttempts, @nextAttemptAt, @firstDeferredAt, @expiresAt, @lastAt,
    @lastBasic, @lastEnhanced, @lastClass, @lastReason, @lastResponse, @rule, @delayWarningAt,
    @lockedBy, @lockedUntil, @updatedAt))
UPDATE deliveries SET status = v.status, attempts = v.attempts, max_attempts = v.max_attempts,
  next_attempt_at = v.next_attempt_at, first_deferred_at = v.first_deferred_at, expires_at = v.expires_at,
  last_at = v.last_at, last_basic = v.last_basic, last_enhanced = v.last_enhanced, last_class = v.last_class,
  last_reason = v.last_reason, last_response = v.last_response, rule = v.rule,
  delay_warning_at = v.delay_warning_at, locked_by = v.locked_by, locked_until = v.locked_until, updated_at = v.updated_at
FROM v WHERE deliveries.id = v.id`);

/**
 * The claim: one short write that leases the oldest due deliveries. A lease whose time has passed
 * counts as free (its worker died). PostgreSQL adds FOR UPDATE SKIP LOCKED to the inner SELECT.
 */
export const claimDueDeliveries = statement('claim-due-deliveries', ['worker', 'lockedUntil', 'now', 'limit'], `
UPDATE deliveries SET locked_by = @worker, locked_until = @lockedUntil
WHERE id IN (
  SELECT id FROM deliveries
  WHERE status IN ('queued', 'deferred') AND next_attempt_at <= @now
    AND (locked_until IS NULL OR locked_until <= @now)
  ORDER BY next_attempt_at
  LIMIT @limit)
RETURNING id, message_id, recipient, domain, attempts, next_attempt_at, locked_by, locked_until`);

export const selectDelivery = statement('select-delivery', ['id'], `
SELECT ${COLUMNS} FROM deliveries WHERE id = @id`);

/** What a delivery list may filter by; each present filter is one condition an index can serve. */
export const DELIVERY_FILTERS = {
  messageId: 'message_id = @messageId',
  recipient: 'recipient = @recipient',
  domain: 'domain = @domain',
  status: null, // written with its value: see selectDeliveriesWhere
  tag: 'message_id IN (SELECT id FROM messages WHERE tag = @tag)',
} as const;
export type DeliveryFilter = keyof typeof DELIVERY_FILTERS;

const STATUSES: readonly DeliveryStatus[] = ['queued', 'deferred', 'delivered', 'failed'];
const listStatements = new Map<string, Statement>();

/**
 * The list statement for exactly the filters given, newest or oldest first (id order, which is
 * creation order: engine/ids.ts), optionally after a keyset cursor (an id). Written per
 * combination rather than as one statement of `(@x IS NULL OR col = @x)` terms, which no planner
 * can serve from an index: every list scanned the whole table. One Statement object per
 * combination, so stores prepare each once.
 *
 * The status is written into the text (one of four values, checked here). Beside another filter
 * it is written `status || ''`, which keeps the condition and leaves the index choice to the
 * other filter: a domain, a recipient or a tag selects far less than a status, which SQLite
 * without ANALYZE statistics cannot tell (it would pick deliveries_due for a waiting status).
 */
export function selectDeliveriesWhere(filters: readonly DeliveryFilter[], newestFirst: boolean, after: boolean, status?: DeliveryStatus): Statement {
  const used = (Object.keys(DELIVERY_FILTERS) as DeliveryFilter[]).filter((f) => filters.includes(f));
  if (used.includes('status') && !STATUSES.includes(status!)) throw new Error(`a delivery list by status needs one of ${STATUSES.join(', ')}`);
  const key = `${used.join(',')}|${status ?? ''}|${newestFirst ? 'desc' : 'asc'}|${after ? 'after' : ''}`;
  let s = listStatements.get(key);
  if (!s) {
    const where: string[] = used.map((f) => (f !== 'status' ? DELIVERY_FILTERS[f]! : used.length > 1 ? `status || '' = '${status}'` : `status = '${status}'`));
    if (after) where.push(newestFirst ? 'id < @afterId' : 'id > @afterId');
    const dir = newestFirst ? 'DESC' : 'ASC';
    const params = used.filter((f) => f !== 'status');
    s = statement(`select-deliveries:${key}`, [...params, ...(after ? ['afterId'] : []), 'limit'], `
SELECT ${COLUMNS} FROM deliveries
${where.length ? `WHERE ${where.join('\n  AND ')}` : ''}
ORDER BY id ${dir}
LIMIT @limit`);
    listStatements.set(key, s);
  }
  return s;
}

/** The list statement for a query and the values it binds (both stores run the same SQL). */
export function deliveryListQuery(q: DeliveryQuery): { statement: Statement; values: Record<string, unknown> } {
  const values: Record<string, unknown> = { limit: q.limit ?? 1000 };
  const filters: DeliveryFilter[] = [];
  for (const f of ['messageId', 'recipient', 'domain', 'status', 'tag'] as const) {
    if (q[f] !== undefined && q[f] !== null) {
      filters.push(f);
      if (f !== 'status') values[f] = q[f];
    }
  }
  if (q.after) values.afterId = q.after;
  return { statement: selectDeliveriesWhere(filters, q.newestFirst ?? false, q.after !== undefined, q.status), values };
}

export const countDeliveriesByStatus = statement('count-deliveries-by-status', [], `
SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status`);

/** The same, for waiting deliveries only: the partial index deliveries_due holds exactly these. */
export const countWaitingByStatus = statement('count-waiting-by-status', [], `
SELECT status, COUNT(*) AS n FROM deliveries WHERE status IN ('queued', 'deferred') GROUP BY status`);

// the latest engine time the store has seen: a sped-up clock restarts from here, not behind it
export const selectLatestTime = statement('select-latest-time', [], `
SELECT MAX(t) AS t FROM (
  SELECT MAX(updated_at) AS t FROM deliveries
  UNION ALL SELECT MAX(updated_at) AS t FROM addresses
  UNION ALL SELECT MAX(updated_at) AS t FROM destinations
) AS latest`);

export const selectDueDelayWarnings = statement('select-due-delay-warnings', ['now', 'limit'], `
SELECT id FROM deliveries
WHERE delay_warning_at IS NOT NULL AND delay_warning_at <= @now AND status IN ('queued', 'deferred')
ORDER BY delay_warning_at
LIMIT @limit`);

/** The earliest moment anything is due: an attempt (or the end of its lease), a warning, a cool-off. */
export const selectNextDueAt = statement('select-next-due-at', [], `
SELECT MIN(t) AS at FROM (
  SELECT MIN(CASE WHEN locked_until IS NOT NULL AND locked_until > next_attempt_at THEN locked_until
                  ELSE next_attempt_at END) AS t
    FROM deliveries WHERE status IN ('queued', 'deferred')
  UNION ALL
  SELECT MIN(delay_warning_at) AS t FROM deliveries WHERE delay_warning_at IS NOT NULL
  UNION ALL
  SELECT MIN(until) AS t FROM addresses WHERE status = 'unavailable'
) AS due`);
