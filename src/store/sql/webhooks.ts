import { statement } from './statement.ts';

// The webhook side's statements (migration 0003): outgoing dispatch, ingest idempotency,
// unknown-event counts, resend targets. Plain SQL that SQLite and PostgreSQL both run.

export const selectCursor = statement('select-webhook-cursor', ['name'], `
SELECT event_id FROM webhook_cursors WHERE name = @name`);

export const upsertCursor = statement('upsert-webhook-cursor', ['name', 'eventId'], `
INSERT INTO webhook_cursors (name, event_id) VALUES (@name, @eventId)
ON CONFLICT (name) DO UPDATE SET event_id = excluded.event_id`);

/**
 * A consumer seen for the first time starts after the newest event: turning webhooks on for a
 * store that has been running must not replay its whole history to the endpoints. Does nothing
 * once the cursor exists (`WHERE true` lets SQLite parse the upsert after a SELECT).
 */
export const startCursorAtLatest = statement('start-webhook-cursor-at-latest', ['name'], `
INSERT INTO webhook_cursors (name, event_id)
SELECT @name, COALESCE(MAX(id), 0) FROM events WHERE true
ON CONFLICT (name) DO NOTHING`);

/** Idempotent by (endpoint, event): re-enqueueing after a crash before the cursor moved adds nothing. */
export const insertOutgoing = statement('insert-webhook-delivery', ['endpoint', 'eventId', 'eventType', 'body', 'at'], `
INSERT INTO webhook_deliveries (endpoint, event_id, event_type, body, status, attempts, next_attempt_at, last_error, created_at, updated_at)
VALUES (@endpoint, @eventId, @eventType, @body, 'pending', 0, @at, NULL, @at, @at)
ON CONFLICT (endpoint, event_id) DO NOTHING`);

/**
 * Claims the due rows by moving their next attempt to the lease's end: a node that dies
 * mid-POST leaves the row due again then (at least once), and no other dispatcher takes it
 * meanwhile. SQLite runs one writer at a time; PostgreSQL's form adds FOR UPDATE SKIP LOCKED.
 */
export const claimDueOutgoing = statement('claim-due-webhook-deliveries', ['now', 'limit', 'leaseUntil'], `
UPDATE webhook_deliveries SET next_attempt_at = @leaseUntil
WHERE id IN (
  SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= @now
  ORDER BY next_attempt_at, id LIMIT @limit)
RETURNING id, endpoint, event_id, event_type, body, status, attempts, next_attempt_at, last_error, created_at, updated_at`);

export const selectNextOutgoingDue = statement('select-next-webhook-due', [], `
SELECT MIN(next_attempt_at) AS at FROM webhook_deliveries WHERE status = 'pending'`);

export const updateOutgoing = statement('update-webhook-delivery', ['id', 'status', 'attempts', 'nextAttemptAt', 'lastError', 'at'], `
UPDATE webhook_deliveries SET status = @status, attempts = @attempts, next_attempt_at = @nextAttemptAt, last_error = @lastError, updated_at = @at
WHERE id = @id`);

export const selectOutgoingByStatus = statement('select-webhook-deliveries-by-status', ['status', 'limit'], `
SELECT id, endpoint, event_id, event_type, body, status, attempts, next_attempt_at, last_error, created_at, updated_at
FROM webhook_deliveries WHERE status = @status ORDER BY id LIMIT @limit`);

/**
 * A dead letter sent again: pending from now, with a fresh retry window (the window counts from
 * `created_at`) and its try count back at zero; the last error stays until a try replaces it.
 */
export const redeliverDeadOutgoing = statement('redeliver-dead-webhook-delivery', ['id', 'at'], `
UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = @at, created_at = @at, updated_at = @at
WHERE id = @id AND status = 'dead'`);

export const redeliverAllDeadOutgoing = statement('redeliver-all-dead-webhook-deliveries', ['at'], `
UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = @at, created_at = @at, updated_at = @at
WHERE status = 'dead'`);

/** Inserts the key; zero changes means the provider event was applied before. */
export const insertIngestKey = statement('insert-ingest-key', ['provider', 'eventId', 'at'], `
INSERT INTO ingest_events (provider, event_id, at) VALUES (@provider, @eventId, @at)
ON CONFLICT (provider, event_id) DO NOTHING`);

export const deleteIngestKey = statement('delete-ingest-key', ['provider', 'eventId'], `
DELETE FROM ingest_events WHERE provider = @provider AND event_id = @eventId`);

export const countUnknown = statement('count-unknown-event', ['provider', 'providerType', 'at', 'why'], `
INSERT INTO ingest_unknown (provider, provider_type, count, last_at, last_why) VALUES (@provider, @providerType, 1, @at, @why)
ON CONFLICT (provider, provider_type) DO UPDATE SET count = ingest_unknown.count + 1, last_at = excluded.last_at, last_why = excluded.last_why`);

export const selectUnknown = statement('select-unknown-events', [], `
SELECT provider, provider_type, count, last_at, last_why FROM ingest_unknown ORDER BY provider, provider_type`);

export const upsertResendTarget = statement('upsert-resend-target', ['messageId', 'url'], `
INSERT INTO resend_targets (message_id, url) VALUES (@messageId, @url)
ON CONFLICT (message_id) DO UPDATE SET url = excluded.url`);

export const selectResendTarget = statement('select-resend-target', ['messageId'], `
SELECT url FROM resend_targets WHERE message_id = @messageId`);
