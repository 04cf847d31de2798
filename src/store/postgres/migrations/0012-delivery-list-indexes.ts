import type { Migration } from './index.ts';

/** As SQLite's migration 0013: a domain's deliveries newest first from an index. */
export const migration: Migration = {
  id: 12,
  name: 'delivery-list-indexes',
  sql: `
CREATE INDEX IF NOT EXISTS deliveries_domain ON deliveries (domain, id);
`,
};
