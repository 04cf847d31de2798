import type { Migration } from './index.ts';

/**
 * Deliveries that reached the recipient per hour and domain, beside the refusals and the give-ups:
 * what a bounce rate is a share of. Counted from the events folded after this migration; earlier
 * hours read zero.
 */
export const migration: Migration = {
  id: 10,
  name: 'metric-delivered',
  sql: `ALTER TABLE metric_hourly ADD COLUMN delivered INTEGER NOT NULL DEFAULT 0;`,
};
