import type { Migration } from './index.ts';

/**
 * Delivery lists are newest first, by domain or status (the dashboard, `GET /v1/deliveries`):
 * without an index each was a scan of the whole table and a sort, 2–4 s at a million deliveries,
 * during which SQLite's one connection served nothing else. Lists run in id order, which is
 * creation order (engine/ids.ts), so the primary key serves the unfiltered list and, scanning
 * newest first, a status. A domain's deliveries get an index, written once per delivery at
 * submission. No index names the status: one on it (or a partial one on failed deliveries, which
 * SQLite must check at every status change) cost a third of the engine's throughput in
 * `npm run bench -- engine` (about 24,000 → 14,000–18,000 transitions per CPU-second). The
 * domain index costs submissions instead: 51,336 → 17,608 deliveries scheduled per second in
 * the same benchmark, far above what the HTTP API takes in.
 */
export const migration: Migration = {
  id: 13,
  name: 'delivery-list-indexes',
  sql: `
CREATE INDEX IF NOT EXISTS deliveries_domain ON deliveries (domain, id);
`,
};
