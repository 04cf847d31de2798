import type { Migration } from './index.ts';

/**
 * Deliveries and permanent refusals counted again from the outbox, for every event the metrics
 * projector had folded before this build (events are never deleted). Migrations 8 and 10 added
 * those columns with zero for the past, so right after an upgrade the bounce rate read 100 %:
 * refusals counted, none of the deliveries (acceptance run). Events after the projector's cursor
 * are folded as usual. The rules are the projector's (src/metrics/projector.ts): a failure is a
 * refusal unless its enhanced code (else its basic code, else its type) says transient, and one
 * refused at submission counts nowhere.
 */
export const migration: Migration = {
  id: 14,
  name: 'metric-backfill',
  sql: `
UPDATE metric_hourly SET delivered = 0, refusals = 0;

INSERT INTO metric_hourly (hour, domain, mx_host, enhanced, reason, deferrals, failures, retries, refusals, delivered)
SELECT hour, domain, mx_host, '', 'delivered', 0, 0, 0, 0, COUNT(*) FROM (
  SELECT (e.at / 3600000) * 3600000 AS hour, COALESCE(e.domain, '') AS domain,
    CASE WHEN json_type(e.data, '$.destination') = 'text' THEN json_extract(e.data, '$.destination') ELSE '' END AS mx_host
  FROM events e
  WHERE e.type = 'delivery.delivered' AND e.delivery_id IS NOT NULL
    AND e.id <= (SELECT COALESCE(MAX(last_event_id), 0) FROM metrics_cursor)
) AS d
WHERE true
GROUP BY hour, domain, mx_host
ON CONFLICT (hour, domain, mx_host, enhanced, reason) DO UPDATE SET delivered = excluded.delivered;

INSERT INTO metric_hourly (hour, domain, mx_host, enhanced, reason, deferrals, failures, retries, refusals, delivered)
SELECT hour, domain, mx_host, enhanced, reason, 0, 0, 0, COUNT(*), 0 FROM (
  SELECT (e.at / 3600000) * 3600000 AS hour, COALESCE(e.domain, '') AS domain,
    CASE WHEN json_type(e.data, '$.destination') = 'text' THEN json_extract(e.data, '$.destination') ELSE '' END AS mx_host,
    CASE WHEN json_type(e.data, '$.enhanced') = 'text' THEN json_extract(e.data, '$.enhanced') ELSE '' END AS enhanced,
    CASE WHEN json_type(e.data, '$.reason') = 'text' THEN json_extract(e.data, '$.reason') ELSE '' END AS reason,
    CASE WHEN json_type(e.data, '$.basic') IN ('integer', 'real') THEN json_extract(e.data, '$.basic') ELSE 0 END AS basic,
    json_type(e.data, '$.type') = 'text' AND json_extract(e.data, '$.type') = 'soft' AS soft,
    json_type(e.data, '$.cause') = 'text' AND json_extract(e.data, '$.cause') IN ('address-suppressed', 'address-unavailable') AS at_submission
  FROM events e
  WHERE e.type = 'delivery.failed' AND e.delivery_id IS NOT NULL
    AND e.id <= (SELECT COALESCE(MAX(last_event_id), 0) FROM metrics_cursor)
) AS f
WHERE NOT COALESCE(at_submission, 0)
  AND NOT (CASE WHEN enhanced <> '' THEN substr(enhanced, 1, 1) = '4'
                WHEN basic <> 0 THEN basic >= 400 AND basic < 500
                ELSE COALESCE(soft, 0) END)
GROUP BY hour, domain, mx_host, enhanced, reason
ON CONFLICT (hour, domain, mx_host, enhanced, reason) DO UPDATE SET refusals = excluded.refusals;
`,
};
