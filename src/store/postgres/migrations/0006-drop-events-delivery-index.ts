import type { Migration } from './index.ts';

/**
 * As SQLite's migrations 0006 and 0007: an index no statement reads, paid for by every
 * transition, goes; bounces recorded by earlier builds take their delivery's id as a prefix, as
 * new ones do (src/engine/ids.ts), so a replayed event is still recognised. PostgreSQL keeps
 * `attempts_delivery`: its collations need not sort ids byte by byte.
 */
export const migration: Migration = {
  id: 6,
  name: 'drop-events-delivery-index-and-prefix-bounce-attempts',
  sql: `
DROP INDEX IF EXISTS events_delivery;
UPDATE attempts SET id = delivery_id || '#' || id WHERE left(id, length(delivery_id) + 1) <> delivery_id || '#';
`,
};
