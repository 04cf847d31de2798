import { statement } from '../store/sql/statement.ts';

/**
 * The metrics statements, portable SQL both SQLite and PostgreSQL run (`ON CONFLICT`,
 * `RETURNING`; no triggers). '' stands for "none" in key columns.
 */

export const selectCursor = statement('metrics-select-cursor', [], `
SELECT last_event_id FROM metrics_cursor WHERE id = 1`);

export const upsertCursor = statement('metrics-upsert-cursor', ['lastEventId'], `
INSERT INTO metrics_cursor (id, last_event_id) VALUES (1, @lastEventId)
ON CONFLICT (id) DO UPDATE SET last_event_id = excluded.last_event_id`);

const INCIDENT_COLUMNS = 'id, domain, mx_hosts, opened_at, closed_at, last_failure_at, deferrals, failures, retries, recipients, codes';

export const selectOpenIncident = statement('metrics-select-open-incident', ['domain'], `
SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE domain = @domain AND closed_at IS NULL`);

export const insertIncident = statement('metrics-insert-incident', ['domain', 'mxHosts', 'openedAt', 'codes'], `
INSERT INTO incidents (domain, mx_hosts, opened_at, closed_at, last_failure_at, deferrals, failures, retries, recipients, codes)
VALUES (@domain, @mxHosts, @openedAt, NULL, @openedAt, 0, 0, 0, 0, @codes)
RETURNING id`);

export const updateIncident = statement('metrics-update-incident',
  ['id', 'mxHosts', 'closedAt', 'lastFailureAt', 'deferrals', 'failures', 'retries', 'recipients', 'codes'], `
UPDATE incidents SET mx_hosts = @mxHosts, closed_at = @closedAt, last_failure_at = @lastFailureAt, deferrals = @deferrals,
  failures = @failures, retries = @retries, recipients = @recipients, codes = @codes
WHERE id = @id`);

export const insertIncidentRecipient = statement('metrics-insert-incident-recipient', ['incidentId', 'recipient'], `
INSERT INTO incident_recipients (incident_id, recipient) VALUES (@incidentId, @recipient)
ON CONFLICT (incident_id, recipient) DO NOTHING`);

export const upsertHourly = statement('metrics-upsert-hourly',
  ['hour', 'domain', 'mxHost', 'enhanced', 'reason', 'deferrals', 'failures', 'retries', 'refusals', 'delivered', 'complaints'], `
INSERT INTO metric_hourly (hour, domain, mx_host, enhanced, reason, deferrals, failures, retries, refusals, delivered, complaints)
VALUES (@hour, @domain, @mxHost, @enhanced, @reason, @deferrals, @failures, @retries, @refusals, @delivered, @complaints)
ON CONFLICT (hour, domain, mx_host, enhanced, reason) DO UPDATE SET
  deferrals = metric_hourly.deferrals + excluded.deferrals,
  failures = metric_hourly.failures + excluded.failures,
  retries = metric_hourly.retries + excluded.retries,
  refusals = metric_hourly.refusals + excluded.refusals,
  delivered = metric_hourly.delivered + excluded.delivered,
  complaints = metric_hourly.complaints + excluded.complaints`);

export const insertDeferred = statement('metrics-insert-deferred',
  ['deliveryId', 'recipient', 'domain', 'firstDeferredAt', 'enhanced', 'reason'], `
INSERT INTO metric_deferred (delivery_id, recipient, domain, first_deferred_at, enhanced, reason)
VALUES (@deliveryId, @recipient, @domain, @firstDeferredAt, @enhanced, @reason)
ON CONFLICT (delivery_id) DO NOTHING`);

export const finishDeferred = statement('metrics-finish-deferred', ['deliveryId', 'status', 'attempt', 'at'], `
UPDATE metric_deferred SET final_status = @status, final_attempt = @attempt, final_at = @at
WHERE delivery_id = @deliveryId`);

/** Filters shared by the window queries: a null parameter matches everything. */
const HOURLY_WHERE = `hour >= @fromHour AND hour < @toHour
  AND (@enhanced IS NULL OR enhanced = @enhanced) AND (@reason IS NULL OR reason = @reason)
  AND (@domain IS NULL OR domain = @domain)`;
const WINDOW_PARAMS = ['fromHour', 'toHour', 'enhanced', 'reason', 'domain'];

/**
 * The window's aggregates summed over its hours, by destination, code and reason: every figure of
 * the summary but the deliveries and the time of day, folded once. Summed here, not in
 * JavaScript, and without the rows of deliveries (reason 'delivered'), which are most of them (a
 * month of a million deliveries to 2,000 domains: 787,000 hourly rows, 3.4 s to load one by one):
 * those are only ever summed (selectWindowDelivered).
 */
export const selectWindowRows = statement('metrics-window-rows', WINDOW_PARAMS, `
SELECT domain, mx_host, enhanced, reason, SUM(deferrals) AS deferrals, SUM(failures) AS failures, SUM(retries) AS retries,
  SUM(refusals) AS refusals, 0 AS delivered, SUM(complaints) AS complaints FROM metric_hourly
WHERE ${HOURLY_WHERE} AND reason <> 'delivered'
GROUP BY domain, mx_host, enhanced, reason`);

/** The deliveries in the window (their rows carry no code; a code or reason filter leaves none). */
export const selectWindowDelivered = statement('metrics-window-delivered', WINDOW_PARAMS, `
SELECT COALESCE(SUM(delivered), 0) AS delivered FROM metric_hourly
WHERE ${HOURLY_WHERE} AND reason = 'delivered'`);

export const selectHourlyByCode = statement('metrics-hourly-by-code', WINDOW_PARAMS, `
SELECT enhanced, reason, SUM(deferrals) AS deferrals, SUM(failures) AS failures FROM metric_hourly
WHERE ${HOURLY_WHERE} GROUP BY enhanced, reason`);

// only rows with deferrals: its readers (deferrals over time, the time of day) count nothing else
export const selectHourlyByHour = statement('metrics-hourly-by-hour', WINDOW_PARAMS, `
SELECT hour, enhanced, reason, SUM(deferrals) AS deferrals, SUM(failures) AS failures FROM metric_hourly
WHERE ${HOURLY_WHERE} AND deferrals > 0 GROUP BY hour, enhanced, reason ORDER BY hour`);

export const selectHourlyByDestination = statement('metrics-hourly-by-destination', WINDOW_PARAMS, `
SELECT domain, mx_host, SUM(deferrals) AS deferrals, SUM(failures) AS failures, SUM(retries) AS retries FROM metric_hourly
WHERE ${HOURLY_WHERE} GROUP BY domain, mx_host`);

/** Incidents that overlap [from, to): opened before its end and not closed before its start. */
export const selectIncidentsOverlapping = statement('metrics-incidents-overlapping', ['from', 'to', 'domain'], `
SELECT ${INCIDENT_COLUMNS} FROM incidents
WHERE opened_at < @to AND (closed_at IS NULL OR closed_at >= @from) AND (@domain IS NULL OR domain = @domain)
ORDER BY opened_at, id`);

export const selectDeferredFunnel = statement('metrics-deferred-funnel', ['from', 'to', 'enhanced', 'reason', 'domain'], `
SELECT final_status, final_attempt, COUNT(*) AS n FROM metric_deferred
WHERE first_deferred_at >= @from AND first_deferred_at < @to
  AND (@enhanced IS NULL OR enhanced = @enhanced) AND (@reason IS NULL OR reason = @reason)
  AND (@domain IS NULL OR domain = @domain)
GROUP BY final_status, final_attempt`);

export const selectTotalsByCode = statement('metrics-totals-by-code', [], `
SELECT enhanced, reason, SUM(deferrals) AS deferrals, SUM(failures) AS failures, SUM(retries) AS retries,
  SUM(refusals) AS refusals, SUM(delivered) AS delivered, SUM(complaints) AS complaints FROM metric_hourly
GROUP BY enhanced, reason`);

export const selectTotalsByDomain = statement('metrics-totals-by-domain', [], `
SELECT domain, SUM(deferrals) AS deferrals FROM metric_hourly GROUP BY domain ORDER BY SUM(deferrals) DESC, domain`);

export const selectClosedDurations = statement('metrics-closed-durations', [], `
SELECT domain, closed_at - opened_at AS ms FROM incidents WHERE closed_at IS NOT NULL`);

export const selectOpenIncidents = statement('metrics-open-incidents', [], `
SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE closed_at IS NULL ORDER BY opened_at, id`);
