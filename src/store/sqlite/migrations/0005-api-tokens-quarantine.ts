import type { Migration } from './index.ts';

/**
 * API tokens (`rebound token`, stored as SHA-256 digests) and the inbound emails that could not
 * be read as bounces, kept for inspection. Earlier builds created these two tables on first use
 * outside the migration list; `IF NOT EXISTS` lets such a database upgrade without a conflict.
 */
export const migration: Migration = {
  id: 5,
  name: 'api-tokens-quarantine',
  sql: `
CREATE TABLE IF NOT EXISTS api_tokens (
  id TEXT PRIMARY KEY,
  label TEXT NOT NULL,
  scope TEXT NOT NULL DEFAULT 'full',
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS inbound_quarantine (
  id TEXT PRIMARY KEY,
  at INTEGER NOT NULL,
  why TEXT NOT NULL,
  envelope TEXT NOT NULL,
  raw BLOB NOT NULL
);
`,
};
