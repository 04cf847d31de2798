import { statement } from './statement.ts';

/*
 * Retention (src/store/retention.ts): what is deleted once it is older than the cut-off. Every
 * delete is bounded (a batch of `@limit` rows or one range of primary keys), so a store holding
 * millions of rows is pruned in many short transactions instead of one that holds the writer.
 * Ids made by the engine sort by creation time (src/engine/ids.ts), so "created before the
 * cut-off" is "id below `@bound`" and every scan walks a primary key.
 */

const finished = (t = '') => `${t}status IN ('delivered', 'failed') AND ${t}updated_at < @before`;
const FINISHED = finished();

/** The last id of the next batch of finished deliveries (null: none left). */
export const nextDeliveryBatch = statement('retention-next-delivery-batch', ['after', 'bound', 'before', 'limit'], `
SELECT MAX(id) AS upto FROM (
  SELECT id FROM deliveries WHERE id > @after AND id < @bound AND ${FINISHED} ORDER BY id LIMIT @limit
) batch`);

/**
 * A batch's attempts. SQLite finds them as one range of the primary key (attempt ids start with
 * their delivery's id and `#`; it keeps no index on delivery_id); PostgreSQL through its
 * delivery index, since its collation need not sort `#` and `$` byte by byte.
 */
export const deleteAttemptsByKeyRange = statement('retention-delete-attempts-by-key', ['after', 'upto', 'uptoEnd', 'bound', 'before'], `
DELETE FROM attempts WHERE id > @after AND id < @uptoEnd AND delivery_id IN (
  SELECT id FROM deliveries WHERE id > @after AND id <= @upto AND id < @bound AND ${FINISHED}
)`);
export const deleteAttemptsByDelivery = statement('retention-delete-attempts-by-delivery', ['after', 'upto', 'bound', 'before'], `
DELETE FROM attempts WHERE delivery_id IN (
  SELECT id FROM deliveries WHERE id > @after AND id <= @upto AND id < @bound AND ${FINISHED}
)`);

export const deleteDeliveries = statement('retention-delete-deliveries', ['after', 'upto', 'bound', 'before'], `
DELETE FROM deliveries WHERE id > @after AND id <= @upto AND id < @bound AND ${FINISHED}`);

/** The last id of the next batch of messages created before the cut-off (null: none left). */
export const nextMessageBatch = statement('retention-next-message-batch', ['after', 'bound', 'limit'], `
SELECT MAX(id) AS upto FROM (
  SELECT id FROM messages WHERE id > @after AND id < @bound ORDER BY id LIMIT @limit
) batch`);

// A message goes once none of its deliveries is left (one still waiting keeps it, raw and all).
const ORPHAN = `NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.id)`;

export const deleteResendTargets = statement('retention-delete-resend-targets', ['after', 'upto'], `
DELETE FROM resend_targets WHERE message_id IN (
  SELECT m.id FROM messages m WHERE m.id > @after AND m.id <= @upto AND ${ORPHAN}
)`);

export const deleteMessages = statement('retention-delete-messages', ['after', 'upto'], `
DELETE FROM messages WHERE id IN (
  SELECT m.id FROM messages m WHERE m.id > @after AND m.id <= @upto AND ${ORPHAN}
)`);

/** Where the outbox's readers stand: an event is deleted only once every one has read it. */
export const selectMetricsCursor = statement('retention-metrics-cursor', [], `
SELECT last_event_id AS event_id FROM metrics_cursor WHERE id = 1`);
export const selectWebhookCursors = statement('retention-webhook-cursors', [], `
SELECT name, event_id FROM webhook_cursors ORDER BY event_id`);

export const deleteEvents = statement('retention-delete-events', ['safeId', 'before', 'limit'], `
DELETE FROM events WHERE id IN (
  SELECT id FROM events WHERE id <= @safeId AND at < @before ORDER BY id LIMIT @limit
)`);

/** Outgoing webhook POSTs that are done: sent, or given up on (the dead-letter list) before the cut-off. */
export const deleteWebhookDeliveries = statement('retention-delete-webhook-deliveries', ['before', 'limit'], `
DELETE FROM webhook_deliveries WHERE id IN (
  SELECT id FROM webhook_deliveries WHERE status <> 'pending' AND updated_at < @before ORDER BY id LIMIT @limit
)`);

/** ESP event ids kept to drop a provider's repeats: a repeat this late no longer comes. */
export const deleteIngestKeys = statement('retention-delete-ingest-keys', ['before', 'limit'], `
DELETE FROM ingest_events WHERE (provider, event_id) IN (
  SELECT provider, event_id FROM ingest_events WHERE at < @before LIMIT @limit
)`);

export const deleteQuarantine = statement('retention-delete-quarantine', ['before', 'limit'], `
DELETE FROM inbound_quarantine WHERE id IN (
  SELECT id FROM inbound_quarantine WHERE at < @before ORDER BY id LIMIT @limit
)`);

/** What a dry run reports: the same conditions, counted. */
export const countPrunable = statement('retention-count', ['bound', 'msgBound', 'before', 'safeId'], `
SELECT
  (SELECT COUNT(*) FROM deliveries WHERE id < @bound AND ${FINISHED}) AS deliveries,
  (SELECT COUNT(*) FROM messages m WHERE m.id < @msgBound AND NOT EXISTS (
    SELECT 1 FROM deliveries d WHERE d.message_id = m.id AND NOT (d.id < @bound AND ${finished('d.')})
  )) AS messages,
  (SELECT COUNT(*) FROM events WHERE id <= @safeId AND at < @before) AS events,
  (SELECT COUNT(*) FROM webhook_deliveries WHERE status <> 'pending' AND updated_at < @before) AS webhook_deliveries,
  (SELECT COUNT(*) FROM ingest_events WHERE at < @before) AS ingest_keys,
  (SELECT COUNT(*) FROM inbound_quarantine WHERE at < @before) AS quarantine`);
