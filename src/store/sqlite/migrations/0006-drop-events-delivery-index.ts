import type { Migration } from './index.ts';

/**
 * No statement reads the outbox by delivery (consumers read it by id, a delivery's timeline is its
 * attempts), yet every transition paid to maintain this index: without it the engine bench
 * records about 14% more transitions per second (docs/engine.md).
 */
export const migration: Migration = {
  id: 6,
  name: 'drop-events-delivery-index',
  sql: `DROP INDEX IF EXISTS events_delivery;`,
};
