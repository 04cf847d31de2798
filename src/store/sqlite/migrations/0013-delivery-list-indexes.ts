import type { Migration } from './index.ts';

/**
 * Delivery lists are newest first, by domain, status or none (the dashboard, `GET
 * /v1/deliveries`): without these, each was a scan of the whole table and a sort, 2–4 s at a
 * million deliveries, during which SQLite's one connection served nothing else. The queue depth
 * by status counts from the status index instead of the table. Ordered by (created_at, id), the
 * lists' keyset order, so a page ends after LIMIT rows.
 */
export const migration: Migration = {
  id: 13,
  name: 'delivery-list-indexes',
  sql: `
CREATE INDEX IF NOT EXISTS deliveries_created ON deliveries (created_at, id);
CREATE INDEX IF NOT EXISTS deliveries_domain ON deliveries (domain, created_at, id);
CREATE INDEX IF NOT EXISTS deliveries_status ON deliveries (status, created_at, id);
`,
};
