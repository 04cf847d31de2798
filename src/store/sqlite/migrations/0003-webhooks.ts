import type { Migration } from './index.ts';

/**
 * What the webhook side keeps: the outgoing dispatcher's cursor over the events outbox (so a
 * restart resumes where it stopped), one row per (endpoint, event) it must POST with its retry
 * state (rows that ran out of attempts stay as the dead-letter list), the ingest idempotency keys
 * of provider events, counts of event types Rebound does not know, and which messages live at an
 * ESP (their retries are POSTs to the sender's resend URL instead of SMTP).
 */
export const migration: Migration = {
  id: 3,
  name: 'webhooks',
  sql: `
CREATE TABLE webhook_cursors (
  name TEXT PRIMARY KEY,
  event_id INTEGER NOT NULL
);

CREATE TABLE webhook_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  endpoint TEXT NOT NULL,
  event_id INTEGER NOT NULL,
  event_type TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at INTEGER,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (endpoint, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_dead ON webhook_deliveries (updated_at) WHERE status = 'dead';

CREATE TABLE ingest_events (
  provider TEXT NOT NULL,
  event_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (provider, event_id)
);

CREATE TABLE ingest_unknown (
  provider TEXT NOT NULL,
  provider_type TEXT NOT NULL,
  count INTEGER NOT NULL,
  last_at INTEGER NOT NULL,
  last_why TEXT NOT NULL,
  PRIMARY KEY (provider, provider_type)
);

CREATE TABLE resend_targets (
  message_id TEXT PRIMARY KEY REFERENCES messages (id),
  url TEXT NOT NULL
);
`,
};
