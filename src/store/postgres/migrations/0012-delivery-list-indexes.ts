import type { Migration } from './index.ts';

/** As SQLite's migration 0013: delivery lists newest first by domain, status or none, from an index. */
export const migration: Migration = {
  id: 12,
  name: 'delivery-list-indexes',
  sql: `
CREATE INDEX IF NOT EXISTS deliveries_created ON deliveries (created_at, id);
CREATE INDEX IF NOT EXISTS deliveries_domain ON deliveries (domain, created_at, id);
CREATE INDEX IF NOT EXISTS deliveries_status ON deliveries (status, created_at, id);
`,
};
