import { migration as m0001 } from './0001-initial.ts';
import { migration as m0002 } from './0002-address-without-delivery-count.ts';
import { migration as m0003 } from './0003-webhooks.ts';
import { migration as m0004 } from './0004-metrics.ts';
import { migration as m0005 } from './0005-api-tokens-quarantine.ts';
import { migration as m0006 } from './0006-drop-events-delivery-index.ts';
import { migration as m0007 } from './0007-attempts-by-key.ts';
import { migration as m0008 } from './0008-metric-refusals.ts';
import { migration as m0009 } from './0009-destination-strikes.ts';
import { migration as m0010 } from './0010-metric-delivered.ts';
import { migration as m0011 } from './0011-message-tags.ts';
import { migration as m0012 } from './0012-metric-complaints.ts';
import { migration as m0013 } from './0013-delivery-list-indexes.ts';
import { migration as m0014 } from './0014-metric-backfill.ts';

/**
 * The SQLite schema as an append-only list: never edit or reorder a shipped migration; add the
 * next number in a new file (`0002-incidents.ts`, …) and one line below. Each runs once, inside
 * a transaction, and is recorded in `schema_migrations`.
 */
export interface Migration {
  id: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  m0001,
  m0002,
  m0003,
  m0004,
  m0005,
  m0006,
  m0007,
  m0008,
  m0009,
  m0010,
  m0011,
  m0012,
  m0013,
  m0014,
];
