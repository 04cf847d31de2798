import type { Migration } from './index.ts';

/**
 * Monitoring tables, filled by the metrics projector from the events outbox (src/metrics/):
 * queries read these small aggregates instead of rescanning attempts. Portable SQL (no
 * triggers; '' stands for "none" in key columns because NULLs do not collide in a primary key).
 */
export const migration: Migration = {
  id: 4,
  name: 'metrics',
  sql: `
CREATE TABLE metrics_cursor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_event_id INTEGER NOT NULL
);

-- A run of transient failures at one destination (rolled up to the recipient domain), from the
-- first one to the first later success: closed_at - opened_at is the resolution time.
CREATE TABLE incidents (
  id INTEGER PRIMARY KEY,
  domain TEXT NOT NULL,
  mx_hosts TEXT NOT NULL,
  opened_at INTEGER NOT NULL,
  closed_at INTEGER,
  last_failure_at INTEGER NOT NULL,
  deferrals INTEGER NOT NULL,
  failures INTEGER NOT NULL,
  retries INTEGER NOT NULL,
  recipients INTEGER NOT NULL,
  codes TEXT NOT NULL
);
CREATE INDEX incidents_domain_open ON incidents (domain, closed_at);
CREATE INDEX incidents_opened ON incidents (opened_at);

CREATE TABLE incident_recipients (
  incident_id INTEGER NOT NULL,
  recipient TEXT NOT NULL,
  PRIMARY KEY (incident_id, recipient)
);

-- Outcomes per UTC hour and destination/code/reason: transient ones (deferrals, transient final
-- failures) and attempts after the first (retries, whatever their outcome).
CREATE TABLE metric_hourly (
  hour INTEGER NOT NULL,
  domain TEXT NOT NULL,
  mx_host TEXT NOT NULL,
  enhanced TEXT NOT NULL,
  reason TEXT NOT NULL,
  deferrals INTEGER NOT NULL,
  failures INTEGER NOT NULL,
  retries INTEGER NOT NULL,
  PRIMARY KEY (hour, domain, mx_host, enhanced, reason)
);

-- One row per delivery that was ever deferred: the retry funnel's cohort, keyed by its first deferral.
CREATE TABLE metric_deferred (
  delivery_id TEXT PRIMARY KEY,
  recipient TEXT NOT NULL,
  domain TEXT NOT NULL,
  first_deferred_at INTEGER NOT NULL,
  enhanced TEXT NOT NULL,
  reason TEXT NOT NULL,
  final_status TEXT,
  final_attempt INTEGER,
  final_at INTEGER
);
CREATE INDEX metric_deferred_first ON metric_deferred (first_deferred_at);
`,
};
