import type { Migration } from './index.ts';

/** As SQLite's migration 0008: permanent failures per hour, domain, code and reason. */
export const migration: Migration = {
  id: 7,
  name: 'metric-refusals',
  sql: `ALTER TABLE metric_hourly ADD COLUMN refusals INTEGER NOT NULL DEFAULT 0;`,
};
