import type { Migration } from './index.ts';

/** As SQLite's migration 0009: the gate's strikes and backoff level, kept across restarts and shared by nodes. */
export const migration: Migration = {
  id: 8,
  name: 'destination-strikes',
  sql: `
ALTER TABLE destinations ADD COLUMN strikes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE destinations ADD COLUMN level INTEGER NOT NULL DEFAULT 0;`,
};
