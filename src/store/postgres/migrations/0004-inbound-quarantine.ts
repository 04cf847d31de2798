import type { Migration } from './index.ts';

/**
 * Inbound emails that could not be read as bounces, kept for inspection (SQLite migration 0005
 * made the same table with the API tokens; this list has its own numbers).
 */
export const migration: Migration = {
  id: 4,
  name: 'inbound-quarantine',
  sql: `
CREATE TABLE inbound_quarantine (
  id TEXT PRIMARY KEY,
  at BIGINT NOT NULL,
  why TEXT NOT NULL,
  envelope TEXT NOT NULL,
  raw BYTEA NOT NULL
);
CREATE INDEX inbound_quarantine_at ON inbound_quarantine (at);
`,
};
