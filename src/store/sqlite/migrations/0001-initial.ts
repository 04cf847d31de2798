import type { Migration } from './index.ts';

/**
 * The engine's tables. Times are epoch ms integers; booleans would be 0/1 integers; no triggers,
 * so PostgreSQL's migration mirrors this one column for column.
 */
export const migration: Migration = {
  id: 1,
  name: 'initial',
  sql: `
CREATE TABLE messages (
  id TEXT PRIMARY KEY,
  mail_from TEXT NOT NULL,
  raw BLOB NOT NULL,
  original_message_id TEXT,
  created_at INTEGER NOT NULL
);

CREATE TABLE deliveries (
  id TEXT PRIMARY KEY,
  message_id TEXT NOT NULL REFERENCES messages(id),
  recipient TEXT NOT NULL,
  domain TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'deferred', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER,
  next_attempt_at INTEGER,
  first_deferred_at INTEGER,
  expires_at INTEGER,
  last_at INTEGER,
  last_basic INTEGER,
  last_enhanced TEXT,
  last_class TEXT,
  last_reason TEXT,
  last_response TEXT,
  rule TEXT,
  delay_warning_at INTEGER,
  locked_by TEXT,
  locked_until INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX deliveries_message ON deliveries (message_id);
CREATE INDEX deliveries_recipient ON deliveries (recipient);
-- Only waiting deliveries are in these two, so a store holding millions of finished ones claims
-- from a small index.
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status IN ('queued', 'deferred');
CREATE INDEX deliveries_delay_warning ON deliveries (delay_warning_at) WHERE delay_warning_at IS NOT NULL;

CREATE TABLE attempts (
  id TEXT PRIMARY KEY,
  delivery_id TEXT NOT NULL REFERENCES deliveries(id),
  n INTEGER NOT NULL,
  at INTEGER NOT NULL,
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
  until INTEGER,
  reason TEXT,
  deferral_count INTEGER NOT NULL DEFAULT 0,
  delivery_count INTEGER NOT NULL DEFAULT 0,
  failure_count INTEGER NOT NULL DEFAULT 0,
  hard_bounce_count INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL
);
CREATE INDEX addresses_cool_off ON addresses (until) WHERE status = 'unavailable';

CREATE TABLE address_reports (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL,
  at INTEGER NOT NULL,
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
  suspended_until INTEGER,
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  attempt_count INTEGER NOT NULL DEFAULT 0,
  success_count INTEGER NOT NULL DEFAULT 0,
  failure_count INTEGER NOT NULL DEFAULT 0,
  last_reply TEXT,
  last_at INTEGER,
  updated_at INTEGER NOT NULL
);

CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  type TEXT NOT NULL,
  delivery_id TEXT,
  recipient TEXT,
  domain TEXT,
  data TEXT NOT NULL
);
CREATE INDEX events_delivery ON events (delivery_id) WHERE delivery_id IS NOT NULL;
`,
};
