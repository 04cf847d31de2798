import type { Migration } from './index.ts';

/** The webhook side's tables (WebhookStore), mirroring SQLite migration 0003-webhooks. */
export const migration: Migration = {
  id: 3,
  name: 'webhooks',
  sql: `
CREATE TABLE webhook_cursors (
  name TEXT PRIMARY KEY,
  event_id BIGINT NOT NULL
);

CREATE TABLE webhook_deliveries (
  id BIGSERIAL PRIMARY KEY,
  endpoint TEXT NOT NULL,
  event_id BIGINT NOT NULL,
  event_type TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at BIGINT,
  last_error TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (endpoint, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_dead ON webhook_deliveries (updated_at) WHERE status = 'dead';

CREATE TABLE ingest_events (
  provider TEXT NOT NULL,
  event_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (provider, event_id)
);

CREATE TABLE ingest_unknown (
  provider TEXT NOT NULL,
  provider_type TEXT NOT NULL,
  count BIGINT NOT NULL,
  last_at BIGINT NOT NULL,
  last_why TEXT NOT NULL,
  PRIMARY KEY (provider, provider_type)
);

CREATE TABLE resend_targets (
  message_id TEXT PRIMARY KEY REFERENCES messages (id),
  url TEXT NOT NULL
);
`,
};
