import { statement } from '../../sql/statement.ts';

/**
 * Statements only PostgreSQL runs; everything else is shared with SQLite (src/store/sql/).
 */

/**
 * The claim (graphile-worker's): the inner SELECT locks the oldest due rows and skips rows another
 * node is claiming at this instant, so concurrent claims never wait on each other nor hand out one
 * delivery twice. An expired lease counts as free (its worker died).
 */
export const claimDueDeliveries = statement('pg-claim-due-deliveries', ['worker', 'lockedUntil', 'now', 'limit'], `
UPDATE deliveries SET locked_by = @worker, locked_until = @lockedUntil
WHERE id IN (
  SELECT id FROM deliveries
  WHERE status IN ('queued', 'deferred') AND next_attempt_at <= @now
    AND (locked_until IS NULL OR locked_until <= @now)
  ORDER BY next_attempt_at
  LIMIT @limit
  FOR UPDATE SKIP LOCKED)
RETURNING id, message_id, recipient, domain, attempts, next_attempt_at, locked_by, locked_until`);

/** claim-due-webhook-deliveries, with rows another node is claiming at this instant skipped. */
export const claimDueOutgoing = statement('pg-claim-due-webhook-deliveries', ['now', 'limit', 'leaseUntil'], `
UPDATE webhook_deliveries SET next_attempt_at = @leaseUntil
WHERE id IN (
  SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= @now
  ORDER BY next_attempt_at, id LIMIT @limit
  FOR UPDATE SKIP LOCKED)
RETURNING id, endpoint, event_id, event_type, body, status, attempts, next_attempt_at, last_error, created_at, updated_at`);

/**
 * A record() batch reads and locks all its deliveries at once, in id order (one lock order for
 * every node, so two batches that overlap wait instead of deadlocking).
 */
export const lockDeliveries = statement('pg-lock-deliveries', ['ids'], `
SELECT id, message_id, recipient, domain, status, attempts, max_attempts, next_attempt_at,
  first_deferred_at, expires_at, last_at, last_basic, last_enhanced, last_class, last_reason,
  last_response, rule, delay_warning_at, locked_by, locked_until, created_at, updated_at
FROM deliveries WHERE id = ANY(@ids::text[]) ORDER BY id FOR UPDATE`);

/**
 * Address decisions replace the whole row, so two nodes deciding about one recipient must take
 * turns. A transaction-scoped advisory lock per address (two-key form: key 1 is this namespace)
 * also covers addresses that have no row yet, which FOR UPDATE cannot.
 */
export const lockAddresses = statement('pg-lock-addresses', ['emails'], `
SELECT pg_advisory_xact_lock(${0x5245}, hashtext(e)) FROM unnest(@emails::text[]) AS e ORDER BY e`);

export const selectAddresses = statement('pg-select-addresses', ['emails'], `
SELECT email, status, until, reason, deferral_count, failure_count, hard_bounce_count, updated_at
FROM addresses WHERE email = ANY(@emails::text[])`);

export const selectAttemptsExisting = statement('pg-select-attempts-existing', ['ids'], `
SELECT id FROM attempts WHERE id = ANY(@ids::text[])`);

/**
 * Event ids are a sequence, handed out before commit: two transactions could commit ids out of
 * order and an outbox reader past the later one would never see the earlier. Writers of events
 * take this lock just before appending, holding it to commit, so ids commit in order.
 */
export const lockOutbox = statement('pg-lock-outbox', [], `SELECT pg_advisory_xact_lock(${0x5245}, 0)`);

export const notifyWork = statement('pg-notify-work', ['channel'], `SELECT pg_notify(@channel, '')`);

/** Takes a cluster-wide slot at a destination when fewer than `limit` live ones exist. */
export const acquireSlot = statement('pg-acquire-slot', ['domain', 'holder', 'lockedUntil', 'now', 'limit'], `
INSERT INTO destination_slots (domain, holder, locked_until)
SELECT @domain, @holder, @lockedUntil
WHERE (SELECT COUNT(*) FROM destination_slots WHERE domain = @domain AND locked_until > @now) < @limit
ON CONFLICT (domain, holder) DO UPDATE SET locked_until = excluded.locked_until
RETURNING holder`);

export const releaseSlot = statement('pg-release-slot', ['domain', 'holder'], `
DELETE FROM destination_slots WHERE domain = @domain AND holder = @holder`);

export const sweepSlots = statement('pg-sweep-slots', ['domain', 'now'], `
DELETE FROM destination_slots WHERE domain = @domain AND locked_until <= @now`);

export const countSlots = statement('pg-count-slots', ['domain', 'now'], `
SELECT COUNT(*) AS n FROM destination_slots WHERE domain = @domain AND locked_until > @now`);

/**
 * update-delivery for a whole batch in one statement: each column arrives as one array, unnested
 * side by side (one round trip per batch instead of one per outcome).
 */
export const updateDeliveries = statement('pg-update-deliveries',
  ['id', 'status', 'attempts', 'maxAttempts', 'nextAttemptAt', 'firstDeferredAt', 'expiresAt', 'lastAt',
    'lastBasic', 'lastEnhanced', 'lastClass', 'lastReason', 'lastResponse', 'rule', 'delayWarningAt',
    'lockedBy', 'lockedUntil', 'updatedAt'], `
UPDATE deliveries AS d SET status = v.status, attempts = v.attempts, max_attempts = v.max_attempts,
  next_attempt_at = v.next_attempt_at, first_deferred_at = v.first_deferred_at, expires_at = v.expires_at,
  last_at = v.last_at, last_basic = v.last_basic, last_enhanced = v.last_enhanced, last_class = v.last_class,
  last_reason = v.last_reason, last_response = v.last_response, rule = v.rule,
  delay_warning_at = v.delay_warning_at, locked_by = v.locked_by, locked_until = v.locked_until, updated_at = v.updated_at
FROM unnest(@id::text[], @status::text[], @attempts::int[], @maxAttempts::int[], @nextAttemptAt::bigint[],
  @firstDeferredAt::bigint[], @expiresAt::bigint[], @lastAt::bigint[], @lastBasic::int[], @lastEnhanced::text[],
  @lastClass::text[], @lastReason::text[], @lastResponse::text[], @rule::text[], @delayWarningAt::bigint[],
  @lockedBy::text[], @lockedUntil::bigint[], @updatedAt::bigint[])
  AS v(id, status, attempts, max_attempts, next_attempt_at, first_deferred_at, expires_at, last_at, last_basic,
    last_enhanced, last_class, last_reason, last_response, rule, delay_warning_at, locked_by, locked_until, updated_at)
WHERE d.id = v.id`);
