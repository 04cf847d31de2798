import { statement } from './statement.ts';

const COLUMNS = `domain, mx_host, health, suspended_until, consecutive_failures, attempt_count,
  success_count, failure_count, last_reply, last_at, updated_at`;
const READ_COLUMNS = `${COLUMNS}, strikes, level`;

/**
 * Adds what a batch of attempts taught about one destination to its counters. A success in the
 * batch ends the run of consecutive failures (only the failures after the last success remain).
 */
export const observeDestination = statement('observe-destination',
  ['domain', 'mxHost', 'attempts', 'successes', 'failures', 'trailingFailures', 'reply', 'at'], `
INSERT INTO destinations (${COLUMNS})
VALUES (@domain, @mxHost, 'open', NULL, @trailingFailures, @attempts, @successes, @failures, @reply, @at, @at)
ON CONFLICT (domain) DO UPDATE SET
  mx_host = COALESCE(excluded.mx_host, destinations.mx_host),
  consecutive_failures = CASE WHEN excluded.success_count > 0 THEN excluded.consecutive_failures
                              ELSE destinations.consecutive_failures + excluded.failure_count END,
  attempt_count = destinations.attempt_count + excluded.attempt_count,
  success_count = destinations.success_count + excluded.success_count,
  failure_count = destinations.failure_count + excluded.failure_count,
  last_reply = excluded.last_reply, last_at = excluded.last_at, updated_at = excluded.updated_at`);

export const updateDestinationHealth = statement('update-destination-health',
  ['domain', 'health', 'suspendedUntil', 'strikes', 'level', 'at'], `
INSERT INTO destinations (domain, health, suspended_until, strikes, level, updated_at)
VALUES (@domain, @health, @suspendedUntil, @strikes, @level, @at)
ON CONFLICT (domain) DO UPDATE SET health = excluded.health,
  suspended_until = excluded.suspended_until, strikes = excluded.strikes, level = excluded.level, updated_at = excluded.updated_at`);

/**
 * One destination-level failure more (`reset` 0), or a sign of life (`reset` 1), counted in the
 * row itself so every node adds to the same count; only the count is written, never the health
 * another node may have just stored. Returns the count and the stored health after it.
 */
export const strikeDestination = statement('strike-destination', ['domain', 'reset', 'at'], `
INSERT INTO destinations (domain, health, strikes, updated_at)
VALUES (@domain, 'open', CASE WHEN @reset = 1 THEN 0 ELSE 1 END, @at)
ON CONFLICT (domain) DO UPDATE SET
  strikes = CASE WHEN @reset = 1 THEN 0 ELSE destinations.strikes + 1 END, updated_at = excluded.updated_at
RETURNING strikes, health, suspended_until`);

export const selectDestination = statement('select-destination', ['domain'], `
SELECT ${READ_COLUMNS} FROM destinations WHERE domain = @domain`);

export const selectDestinations = statement('select-destinations', [], `
SELECT ${READ_COLUMNS} FROM destinations ORDER BY domain`);
