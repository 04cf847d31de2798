import type { Migration } from './index.ts';

/** As SQLite's migration 0012: spam reports about deliveries per hour and domain. */
export const migration: Migration = {
  id: 11,
  name: 'metric-complaints',
  sql: `ALTER TABLE metric_hourly ADD COLUMN complaints INTEGER NOT NULL DEFAULT 0;`,
};
