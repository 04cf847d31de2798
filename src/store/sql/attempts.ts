import { statement } from './statement.ts';

const COLUMNS = `id, delivery_id, n, at, source, destination, phase, basic, enhanced, class, reason,
  response, duration_ms, rule`;

export const insertAttempt = statement('insert-attempt',
  ['id', 'deliveryId', 'n', 'at', 'source', 'destination', 'phase', 'basic', 'enhanced', 'class', 'reason',
    'response', 'durationMs', 'rule'], `
INSERT INTO attempts (${COLUMNS})
VALUES (@id, @deliveryId, @n, @at, @source, @destination, @phase, @basic, @enhanced, @class, @reason,
  @response, @durationMs, @rule)`);

/** The idempotency check: an attempt id seen before means its outcome is already recorded. */
export const selectAttemptExists = statement('select-attempt-exists', ['id'], `
SELECT 1 AS found FROM attempts WHERE id = @id`);

/** The same check for many ids at once (the SQLite store widens `= @id` to an IN list). */
export const selectAttemptIdsIn = statement('select-attempt-ids-in', ['id'], `
SELECT id FROM attempts WHERE id = @id`);

export const selectAttempts = statement('select-attempts', ['deliveryId'], `
SELECT ${COLUMNS} FROM attempts WHERE delivery_id = @deliveryId ORDER BY at, n, id`);

/**
 * The same by key range: every attempt id starts with its delivery's id and `#` (src/engine/ids.ts),
 * so a delivery's attempts are one run of the primary key. The SQLite store reads them this way
 * and keeps no index on `delivery_id` (byte order; PostgreSQL's collations need not sort so, and
 * it keeps its index).
 */
export const selectAttemptsByKey = statement('select-attempts-by-key', ['from', 'to'], `
SELECT ${COLUMNS} FROM attempts WHERE id > @from AND id < @to ORDER BY at, n, id`);
