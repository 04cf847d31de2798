import type { Migration } from './index.ts';

/**
 * The destination gate's own counts, kept so a restart does not forget them: destination-level
 * failures in a row (`suspend.after` of them suspend the domain) and failed probes in a row (the
 * suspension's backoff). Before, a process that restarted every few failures never suspended a
 * server that answered nothing but 421.
 */
export const migration: Migration = {
  id: 9,
  name: 'destination-strikes',
  sql: `
ALTER TABLE destinations ADD COLUMN strikes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE destinations ADD COLUMN level INTEGER NOT NULL DEFAULT 0;`,
};
