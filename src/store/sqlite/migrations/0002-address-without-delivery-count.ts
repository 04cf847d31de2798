import type { Migration } from './index.ts';

/**
 * Addresses keep only their trouble: a clean delivery no longer rewrites the recipient's row
 * (it was a random-page write per delivery, the largest cost at a million deliveries), so the
 * success counter goes. Deliveries per address are counted from `deliveries` when asked.
 */
export const migration: Migration = {
  id: 2,
  name: 'address-without-delivery-count',
  sql: `ALTER TABLE addresses DROP COLUMN delivery_count;`,
};
