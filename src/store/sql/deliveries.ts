import { statement } from './statement.ts';

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

const DELIVERY_FILTER = `
SELECT ${COLUMNS} FROM deliveries
WHERE (@messageId IS NULL OR message_id = @messageId)
  AND (@recipient IS NULL OR recipient = @recipient)
  AND (@status IS NULL OR status = @status)
  AND (@tag IS NULL OR message_id IN (SELECT id FROM messages WHERE tag = @tag))`;

export const selectDeliveries = statement('select-deliveries', ['messageId', 'recipient', 'status', 'tag', 'limit'], `${DELIVERY_FILTER}
ORDER BY created_at, id
LIMIT @limit`);

export const selectDeliveriesNewestFirst = statement('select-deliveries-newest-first', ['messageId', 'recipient', 'status', 'tag', 'limit'], `${DELIVERY_FILTER}
ORDER BY created_at DESC, id DESC
LIMIT @limit`);

export const countDeliveriesByStatus = statement('count-deliveries-by-status', [], `
SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status`);

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
