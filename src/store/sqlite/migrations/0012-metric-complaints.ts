import type { Migration } from './index.ts';

/**
 * Spam reports about deliveries per hour and domain, beside the deliveries they are a share of:
 * the complaint rate mailbox providers hold bulk senders to. Counted from the events folded after
 * this migration; earlier hours read zero.
 */
export const migration: Migration = {
  id: 12,
  name: 'metric-complaints',
  sql: `ALTER TABLE metric_hourly ADD COLUMN complaints INTEGER NOT NULL DEFAULT 0;`,
};
