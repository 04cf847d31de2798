import { statement, type Statement } from '../store/sql/statement.ts';
import type { SegmentKind } from './metrics-store.ts';

const FILTERS = `(@domain IS NULL OR d.domain = @domain)`;
const PARAMS = ['from', 'to', 'enhanced', 'reason', 'domain'];

/**
 * One statement per segment, each returning the same columns (recipient, domain, status,
 * reason, enhanced, count, at) so one streaming writer serves them all.
 */
const SEGMENTS: Record<SegmentKind, Statement> = {
  deferred: statement('segment-deferred', PARAMS, `
SELECT d.recipient, d.domain, d.status, d.last_reason AS reason, d.last_enhanced AS enhanced, d.attempts AS count, d.last_at AS at
FROM deliveries d
WHERE d.status = 'deferred' AND ${FILTERS}
  AND (@enhanced IS NULL OR d.last_enhanced = @enhanced) AND (@reason IS NULL OR d.last_reason = @reason)
  AND (d.last_at IS NULL OR (d.last_at >= @from AND d.last_at < @to))
ORDER BY d.recipient, d.id`),
  // Deliveries not yet tried because their destination is suspended (or waits for its probe): the
  // gate keeps them queued, so 'deferred' does not list them, yet the incident holds them up.
  // `at` is when the suspension ends; reason and enhanced belong to replies, and these have none.
  held: statement('segment-held', PARAMS, `
SELECT d.recipient, d.domain, d.status, NULL AS reason, NULL AS enhanced, d.attempts AS count, x.suspended_until AS at
FROM deliveries d JOIN destinations x ON x.domain = d.domain
WHERE d.status = 'queued' AND x.health <> 'open' AND ${FILTERS}
  AND (@enhanced IS NULL OR @enhanced = '') AND (@reason IS NULL OR @reason = '')
  AND d.created_at >= @from AND d.created_at < @to
ORDER BY d.recipient, d.id`),
  unavailable: statement('segment-unavailable', PARAMS, `
SELECT a.email AS recipient, substr(a.email, instr(a.email, '@') + 1) AS domain, a.status, a.reason, NULL AS enhanced,
  a.deferral_count AS count, a.until AS at
FROM addresses a
WHERE a.status = 'unavailable' AND (@domain IS NULL OR substr(a.email, instr(a.email, '@') + 1) = @domain)
  AND (@reason IS NULL OR a.reason = @reason) AND (@enhanced IS NULL OR @enhanced = '') AND a.updated_at >= @from AND a.updated_at < @to
ORDER BY a.email`),
  suppressed: statement('segment-suppressed', PARAMS, `
SELECT a.email AS recipient, substr(a.email, instr(a.email, '@') + 1) AS domain, a.status, a.reason, NULL AS enhanced,
  a.hard_bounce_count AS count, a.updated_at AS at
FROM addresses a
WHERE a.status = 'suppressed' AND (@domain IS NULL OR substr(a.email, instr(a.email, '@') + 1) = @domain)
  AND (@reason IS NULL OR a.reason = @reason) AND (@enhanced IS NULL OR @enhanced = '') AND a.updated_at >= @from AND a.updated_at < @to
ORDER BY a.email`),
  // Every recipient with a non-success outcome in the window matching the filters.
  touched: statement('segment-touched', PARAMS, `
SELECT d.recipient, d.domain, MAX(d.status) AS status, MAX(t.reason) AS reason, MAX(t.enhanced) AS enhanced, COUNT(*) AS count, MAX(t.at) AS at
FROM attempts t JOIN deliveries d ON d.id = t.delivery_id
WHERE t.at >= @from AND t.at < @to AND (t.class IS NULL OR t.class <> 'success') AND t.reason <> 'delivered' AND ${FILTERS}
  AND (@enhanced IS NULL OR t.enhanced = @enhanced) AND (@reason IS NULL OR t.reason = @reason)
GROUP BY d.recipient, d.domain
ORDER BY d.recipient`),
};

export function segmentStatement(kind: SegmentKind): Statement {
  return SEGMENTS[kind];
}
