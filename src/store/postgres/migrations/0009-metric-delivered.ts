import type { Migration } from './index.ts';

/** As SQLite's migration 0010: deliveries that reached the recipient per hour and domain. */
export const migration: Migration = {
  id: 9,
  name: 'metric-delivered',
  sql: `ALTER TABLE metric_hourly ADD COLUMN delivered INTEGER NOT NULL DEFAULT 0;`,
};
