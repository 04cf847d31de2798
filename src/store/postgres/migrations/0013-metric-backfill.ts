import type { Migration } from './index.ts';

/** As SQLite's migration 0014: deliveries and refusals counted again from the folded outbox. */
export const migration: Migration = {
  id: 13,
  name: 'metric-backfill',
  sql: `
UPDATE metric_hourly SET delivered = 0, refusals = 0;

INSERT INTO metric_hourly (hour, domain, mx_host, enhanced, reason, deferrals, failures, retries, refusals, delivered)
SELECT hour, domain, mx_host, '', 'delivered', 0, 0, 0, 0, COUNT(*) FROM (
  SELECT (e.at / 3600000) * 3600000 AS hour, COALESCE(e.domain, '') AS domain,
    CASE WHEN jsonb_typeof(e.data::jsonb -> 'destination') = 'string' THEN e.data::jsonb ->> 'destination' ELSE '' END AS mx_host
  FROM events e
  WHERE e.type = 'delivery.delivered' AND e.delivery_id IS NOT NULL
    AND e.id <= (SELECT COALESCE(MAX(last_event_id), 0) FROM metrics_cursor)
) AS d
GROUP BY hour, domain, mx_host
ON CONFLICT (hour, domain, mx_host, enhanced, reason) DO UPDATE SET delivered = excluded.delivered;

INSERT INTO metric_hourly (hour, domain, mx_host, enhanced, reason, deferrals, failures, retries, refusals, delivered)
SELECT hour, domain, mx_host, enhanced, reason, 0, 0, 0, COUNT(*), 0 FROM (
  SELECT (e.at / 3600000) * 3600000 AS hour, COALESCE(e.domain, '') AS domain,
    CASE WHEN jsonb_typeof(e.data::jsonb -> 'destination') = 'string' THEN e.data::jsonb ->> 'destination' ELSE '' END AS mx_host,
    CASE WHEN jsonb_typeof(e.data::jsonb -> 'enhanced') = 'string' THEN e.data::jsonb ->> 'enhanced' ELSE '' END AS enhanced,
    CASE WHEN jsonb_typeof(e.data::jsonb -> 'reason') = 'string' THEN e.data::jsonb ->> 'reason' ELSE '' END AS reason,
    CASE WHEN jsonb_typeof(e.data::jsonb -> 'basic') = 'number' THEN (e.data::jsonb ->> 'basic')::numeric ELSE 0 END AS basic,
    COALESCE(e.data::jsonb ->> 'type', '') = 'soft' AS soft,
    COALESCE(e.data::jsonb ->> 'cause', '') IN ('address-suppressed', 'address-unavailable') AS at_submission
  FROM events e
  WHERE e.type = 'delivery.failed' AND e.delivery_id IS NOT NULL
    AND e.id <= (SELECT COALESCE(MAX(last_event_id), 0) FROM metrics_cursor)
) AS f
WHERE NOT at_submission
  AND NOT (CASE WHEN enhanced <> '' THEN substr(enhanced, 1, 1) = '4'
                WHEN basic <> 0 THEN basic >= 400 AND basic < 500
                ELSE soft END)
GROUP BY hour, domain, mx_host, enhanced, reason
ON CONFLICT (hour, domain, mx_host, enhanced, reason) DO UPDATE SET refusals = excluded.refusals;
`,
};
