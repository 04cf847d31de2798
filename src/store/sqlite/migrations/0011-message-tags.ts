import type { Migration } from './index.ts';

/**
 * A message's tag (a campaign, a newsletter issue, a transactional stream), so a sender can see
 * how one send fared: its deliveries are found through their messages by this index.
 */
export const migration: Migration = {
  id: 11,
  name: 'message-tags',
  sql: `
ALTER TABLE messages ADD COLUMN tag TEXT;
CREATE INDEX messages_by_tag ON messages (tag, created_at) WHERE tag IS NOT NULL;`,
};
