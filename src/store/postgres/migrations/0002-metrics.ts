import type { Migration } from './index.ts';

/**
 * The metrics projector's tables (src/metrics/), mirroring SQLite migration 0004 (`retries`
 * included: this was amended before any release). PostgreSQL
 * starts from SQLite's schema 2 in one step (0001 never had `delivery_count`), hence the numbers
 * differ; each database keeps its own list.
 */
export const migration: Migration = {
  id: 2,
  name: 'metrics',
  sql: `
CREATE TABLE metrics_cursor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_event_id BIGINT NOT NULL
);

CREATE TABLE incidents (
  id BIGSERIAL PRIMARY KEY,
  domain TEXT NOT NULL,
  mx_hosts TEXT NOT NULL,
  opened_at BIGINT NOT NULL,
  closed_at BIGINT,
  last_failure_at BIGINT NOT NULL,
  deferrals INTEGER NOT NULL,
  failures INTEGER NOT NULL,
  retries INTEGER NOT NULL,
  recipients INTEGER NOT NULL,
  codes TEXT NOT NULL
);
CREATE INDEX incidents_domain_open ON incidents (domain, closed_at);
CREATE INDEX incidents_opened ON incidents (opened_at);

CREATE TABLE incident_recipients (
  incident_id BIGINT NOT NULL,
  recipient TEXT NOT NULL,
  PRIMARY KEY (incident_id, recipient)
);

CREATE TABLE metric_hourly (
  hour BIGINT NOT NULL,
  domain TEXT NOT NULL,
  mx_host TEXT NOT NULL,
  enhanced TEXT NOT NULL,
  reason TEXT NOT NULL,
  deferrals INTEGER NOT NULL,
  failures INTEGER NOT NULL,
  retries INTEGER NOT NULL,
  PRIMARY KEY (hour, domain, mx_host, enhanced, reason)
);

CREATE TABLE metric_deferred (
  delivery_id TEXT PRIMARY KEY,
  recipient TEXT NOT NULL,
  domain TEXT NOT NULL,
  first_deferred_at BIGINT NOT NULL,
  enhanced TEXT NOT NULL,
  reason TEXT NOT NULL,
  final_status TEXT,
  final_attempt INTEGER,
  final_at BIGINT
);
CREATE INDEX metric_deferred_first ON metric_deferred (first_deferred_at);
`,
};
