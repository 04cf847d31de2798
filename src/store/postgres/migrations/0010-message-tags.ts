import type { Migration } from './index.ts';

/** As SQLite's migration 0011: a message's tag, indexed for the per-tag view. */
export const migration: Migration = {
  id: 10,
  name: 'message-tags',
  sql: `
ALTER TABLE messages ADD COLUMN tag TEXT;
CREATE INDEX messages_by_tag ON messages (tag, created_at) WHERE tag IS NOT NULL;`,
};
