import type { Migration } from './index.ts';

/**
 * Permanent failures per hour, domain, code and reason: the refusals a sender must act on (a
 * block list, DMARC, unknown users), which deferral counts never showed. Counted from the events
 * folded after this migration; earlier hours read zero.
 */
export const migration: Migration = {
  id: 8,
  name: 'metric-refusals',
  sql: `ALTER TABLE metric_hourly ADD COLUMN refusals INTEGER NOT NULL DEFAULT 0;`,
};
