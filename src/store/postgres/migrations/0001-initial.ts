import type { Migration } from './index.ts';

/**
 * The engine's tables, column for column the SQLite schema (src/store/sqlite/migrations/0001):
 * the statements in src/store/sql/ run on both. Times are epoch ms in BIGINT (pg hands them back
 * as strings; rows.ts converts), the raw message is BYTEA, the outbox id a BIGSERIAL.
 */
export const migration: Migration = {
  id: 1,
  name: 'initial',
  sql: `
CREATE TABLE messages (
  id TEXT PRIMARY KEY,
  mail_from TEXT NOT NULL,
  raw BYTEA NOT NULL,
  original_message_id TEXT,
  created_at BIGINT NOT NULL
);

CREATE TABLE deliveries (
  id TEXT PRIMARY KEY,
  message_id TEXT NOT NULL REFERENCES messages(id),
  recipient TEXT NOT NULL,
  domain TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'deferred', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER,
  next_attempt_at BIGINT,
  first_deferred_at BIGINT,
  expires_at BIGINT,
  last_at BIGINT,
  last_basic INTEGER,
  last_enhanced TEXT,
  last_class TEXT,
  last_reason TEXT,
  last_response TEXT,
  rule TEXT,
  delay_warning_at BIGINT,
  locked_by TEXT,
  locked_until BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX deliveries_message ON deliveries (message_id);
CREATE INDEX deliveries_recipient ON deliveries (recipient);
-- Only waiting deliveries are in these two, so claims read a small index however many finished
-- deliveries the table holds.
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status IN ('queued', 'deferred');
CREATE INDEX deliveries_delay_warning ON deliveries (delay_warning_at) WHERE delay_warning_at IS NOT NULL;

CREATE TABLE attempts (
  id TEXT PRIMARY KEY,
  delivery_id TEXT NOT NULL REFERENCES deliveries(id),
  n INTEGER NOT NULL,
  at BIGINT NOT NULL,
  source TEXT NOT NULL,
  destination TEXT,
  phase TEXT,
  basic INTEGER,
  enhanced TEXT,
  class TEXT,
  reason TEXT NOT NULL,
  response TEXT NOT NULL,
  duration_ms INTEGER NOT NULL,
  rule TEXT NOT NULL
);
CREATE INDEX attempts_delivery ON attempts (delivery_id, at);

CREATE TABLE addresses (
  email TEXT PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('active', 'deferred', 'unavailable', 'suppressed')),
  until BIGINT,
  reason TEXT,
  deferral_count INTEGER NOT NULL DEFAULT 0,
  failure_count INTEGER NOT NULL DEFAULT 0,
  hard_bounce_count INTEGER NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL
);
CREATE INDEX addresses_cool_off ON addresses (until) WHERE status = 'unavailable';

CREATE TABLE address_reports (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL,
  at BIGINT NOT NULL,
  source TEXT NOT NULL,
  provider TEXT,
  basic INTEGER,
  enhanced TEXT,
  reason TEXT NOT NULL,
  response TEXT NOT NULL
);
CREATE INDEX address_reports_email ON address_reports (email, at);

CREATE TABLE destinations (
  domain TEXT PRIMARY KEY,
  mx_host TEXT,
  health TEXT NOT NULL DEFAULT 'open' CHECK (health IN ('open', 'suspended', 'probing')),
  suspended_until BIGINT,
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  attempt_count INTEGER NOT NULL DEFAULT 0,
  success_count INTEGER NOT NULL DEFAULT 0,
  failure_count INTEGER NOT NULL DEFAULT 0,
  last_reply TEXT,
  last_at BIGINT,
  updated_at BIGINT NOT NULL
);

CREATE TABLE events (
  id BIGSERIAL PRIMARY KEY,
  at BIGINT NOT NULL,
  type TEXT NOT NULL,
  delivery_id TEXT,
  recipient TEXT,
  domain TEXT,
  data TEXT NOT NULL
);
CREATE INDEX events_delivery ON events (delivery_id) WHERE delivery_id IS NOT NULL;

-- Cluster-wide concurrency: one row per delivery attempt in flight at a destination, leased like
-- a claim so a node that dies frees its slots when the lease ends.
CREATE TABLE destination_slots (
  domain TEXT NOT NULL,
  holder TEXT NOT NULL,
  locked_until BIGINT NOT NULL,
  PRIMARY KEY (domain, holder)
);
`,
};
