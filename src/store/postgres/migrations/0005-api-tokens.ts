import type { Migration } from './index.ts';

/** API tokens (`rebound token`), stored as SHA-256 digests, as in SQLite's migration 0005. */
export const migration: Migration = {
  id: 5,
  name: 'api-tokens',
  sql: `
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  label TEXT NOT NULL,
  scope TEXT NOT NULL DEFAULT 'full',
  token_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL
);
`,
};
