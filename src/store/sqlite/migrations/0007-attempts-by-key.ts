import type { Migration } from './index.ts';

/**
 * A delivery's attempts are read as one range of the primary key (every attempt id starts with
 * `<delivery id>#`, src/engine/ids.ts), so the `attempts_delivery` index goes: every transition
 * paid to maintain it (docs/engine.md has the measurement). Bounces recorded by earlier builds
 * had ids `<source>:<event id>`; they take the prefix here, which keeps them in their delivery's
 * range and keeps a replayed event recognised.
 */
export const migration: Migration = {
  id: 7,
  name: 'attempts-by-key',
  sql: `
UPDATE attempts SET id = delivery_id || '#' || id WHERE substr(id, 1, length(delivery_id) + 1) <> delivery_id || '#';
DROP INDEX IF EXISTS attempts_delivery;
`,
};
