import { statement } from './statement.ts';

const COLUMNS = `email, status, until, reason, deferral_count, failure_count, hard_bounce_count, updated_at`;

export const upsertAddress = statement('upsert-address',
  ['email', 'status', 'until', 'reason', 'deferralCount', 'failureCount', 'hardBounceCount', 'updatedAt'], `
INSERT INTO addresses (${COLUMNS})
VALUES (@email, @status, @until, @reason, @deferralCount, @failureCount, @hardBounceCount, @updatedAt)
ON CONFLICT (email) DO UPDATE SET status = excluded.status, until = excluded.until,
  reason = excluded.reason, deferral_count = excluded.deferral_count,
  failure_count = excluded.failure_count,
  hard_bounce_count = excluded.hard_bounce_count, updated_at = excluded.updated_at`);

export const selectAddress = statement('select-address', ['email'], `
SELECT ${COLUMNS} FROM addresses WHERE email = @email`);

export const selectDueReactivations = statement('select-due-reactivations', ['now', 'limit'], `
SELECT email FROM addresses WHERE status = 'unavailable' AND until <= @now ORDER BY until LIMIT @limit`);

export const insertAddressReport = statement('insert-address-report',
  ['id', 'email', 'at', 'source', 'provider', 'basic', 'enhanced', 'reason', 'response'], `
INSERT INTO address_reports (id, email, at, source, provider, basic, enhanced, reason, response)
VALUES (@id, @email, @at, @source, @provider, @basic, @enhanced, @reason, @response)`);

export const selectAddressReportExists = statement('select-address-report-exists', ['id'], `
SELECT 1 AS found FROM address_reports WHERE id = @id`);

export const selectAddressReports = statement('select-address-reports', ['email'], `
SELECT id, email, at, source, provider, basic, enhanced, reason, response
FROM address_reports WHERE email = @email ORDER BY at, id`);
