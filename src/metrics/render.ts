import { COMPLAINT_RATE_LIMITS, type ComplaintLevel, type DestinationRanking, type Frequency, type Refusals, type Summary } from './metrics.ts';
import { REASON_GUIDE } from '../classify/reason-guide.ts';
import { REASONS, type Reason } from '../classify/types.ts';

const BARS = '▁▂▃▄▅▆▇█';
const SHADES = ' ░▒▓█';
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** One character per value, scaled to the largest (a zero stays the lowest bar). */
export function sparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values);
  return values.map((v) => (max === 0 ? BARS[0] : BARS[Math.min(BARS.length - 1, Math.round((v / max) * (BARS.length - 1)))])).join('');
}

/** Hour-by-hour values over [from, to), zeros included, so the sparkline's x axis is time. */
export function hourlySeries(freq: Frequency, from: number, to: number): number[] {
  const byStart = new Map(freq.series.map((b) => [Date.parse(b.start), b.total]));
  const out: number[] = [];
  for (let h = Math.ceil(from / 3_600_000) * 3_600_000; h < to && out.length < 24 * 366; h += 3_600_000) out.push(byStart.get(h) ?? 0);
  return out;
}

/** Squeezes a long series into `width` columns by summing neighbours. */
export function squeeze(values: readonly number[], width: number): number[] {
  if (values.length <= width) return [...values];
  const out = new Array<number>(width).fill(0);
  values.forEach((v, i) => {
    out[Math.floor((i * width) / values.length)]! += v;
  });
  return out;
}

export function table(header: string[], rows: string[][], numeric: ReadonlySet<number> = new Set()): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** 1 h 05 m, 41 h, 3 d 2 h: resolution times a reader takes in at a glance. */
export function duration(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} m`;
  if (seconds < 72 * 3600) {
    const h = Math.floor(seconds / 3600);
    const m = Math.round((seconds % 3600) / 60);
    return m ? `${h} h ${String(m).padStart(2, '0')} m` : `${h} h`;
  }
  return `${Math.floor(seconds / 86400)} d ${Math.round((seconds % 86400) / 3600)} h`;
}

export function heatmap(grid: number[][]): string {
  const max = Math.max(0, ...grid.flat());
  const head = '     ' + Array.from({ length: 24 }, (_, h) => (h % 3 === 0 ? String(h).padEnd(3) : '')).join('');
  const rows = grid.map((row, d) => `${WEEKDAYS[d]}  ${row.map((v) => (v === 0 || max === 0 ? '·' : SHADES[Math.max(1, Math.ceil((v / max) * (SHADES.length - 1)))])).join('')}`);
  return [head, ...rows, `     · none  ${SHADES.slice(1).split('').join(' ')} up to ${max}`].join('\n');
}

const percent = (rate: number | null, digits = 2): string => (rate === null ? '-' : `${(rate * 100).toFixed(digits)} %`);

const complaintWarning = (level: ComplaintLevel | null): string => (level === 'too-high'
  ? ` — ${percent(COMPLAINT_RATE_LIMITS.never, 1)} or more: Gmail and Yahoo filter or refuse bulk mail`
  : level === 'high' ? ` — over the ${percent(COMPLAINT_RATE_LIMITS.aim, 1)} Gmail and Yahoo ask senders to stay under` : '');

function counts(map: Record<string, number>): string[][] {
  return Object.entries(map).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 15).map(([k, n]) => [k, String(n)]);
}

/** Permanent failures by reason, with the first thing the guide says to do and who refused most. */
function refusalTable(r: Refusals): string {
  if (r.total === 0) return '  no permanent failures';
  const rows = counts(r.byReason).map(([reason, n]) => {
    const guide = (REASONS as readonly string[]).includes(reason!) ? REASON_GUIDE[reason as Reason] : null;
    const top = (r.topDomainsByReason[reason!] ?? []).slice(0, 3).map((d) => d.domain).join(' ');
    return [reason!, n!, guide?.category ?? '', (guide?.whatToDo[0] ?? '').slice(0, 70), top];
  });
  return table(['reason', 'refused', 'kind', 'what to do first', 'most from'], rows, new Set([1]));
}

function servers(rows: readonly DestinationRanking[]): string {
  if (rows.length === 0) return 'no affected destinations';
  return table(['domain', 'mx hosts', 'deferrals', 'refused', 'incidents', 'unavailable', 'open'],
    rows.slice(0, 10).map((d) => [d.domain, d.mxHosts.slice(0, 2).join(' ') + (d.mxHosts.length > 2 ? ' …' : ''), String(d.deferrals), String(d.refusals), String(d.incidents), duration(d.unavailableSeconds), d.open ? 'yes' : '']),
    new Set([2, 3, 4]));
}

/** The whole terminal report: every figure of the summary, a sparkline and the heatmap. */
export function renderReport(s: Summary, freq: Frequency, window: { from: number; to: number; timeZone: string }): string {
  const r = s.resolution;
  const rs = s.retrySuccess;
  const spark = squeeze(hourlySeries(freq, window.from, window.to), 72);
  const parts = [
    `Rebound report ${new Date(window.from).toISOString()} → ${new Date(window.to).toISOString()} (${window.timeZone})`,
    '',
    `Ended in the window: ${s.outcomes.delivered} delivered, ${s.outcomes.refused} refused for good, ${s.outcomes.gaveUp} gave up after retries — bounce rate ${percent(s.outcomes.bounceRate)}`,
    `Spam complaints: ${s.outcomes.complaints} — complaint rate ${percent(s.outcomes.complaintRate, 3)}${complaintWarning(s.outcomes.complaintLevel)}`,
    '',
    `Deferrals: ${s.deferrals.total}`,
    `  over time  ${sparkline(spark)}  (max ${Math.max(0, ...spark)} per column)`,
    '',
    table(['enhanced', 'deferrals'], counts(s.deferrals.byEnhanced), new Set([1])),
    '',
    table(['reason', 'deferrals'], counts(s.deferrals.byReason), new Set([1])),
    '',
    `Refused for good (permanent failures): ${s.refusals.total}`,
    refusalTable(s.refusals),
    '',
    'Top problematic servers',
    servers(s.destinations),
    '',
    `Resolution time: ${r.count} closed incident(s), p50 ${duration(r.p50Seconds)}, p90 ${duration(r.p90Seconds)}, max ${duration(r.maxSeconds)}`,
    ...(r.open.length ? [table(['open at', 'since', 'age', 'deferrals', 'recipients'], r.open.slice(0, 10).map((o) => [o.domain, o.openedAt, duration(o.ageSeconds), String(o.deferrals), String(o.recipients)]), new Set([3, 4]))] : ['  no open incidents']),
    '',
    `Retry success: ${rs.deferred} deferred deliveries, ${rs.delivered} delivered (${rs.rate === null ? '-' : `${(rs.rate * 100).toFixed(1)} %`}), ${rs.failed} failed, ${rs.pending} waiting`,
    ...(rs.byAttempt.length ? [table(['attempt', 'delivered', 'share', 'still waiting'], rs.byAttempt.map((a) => [String(a.attempt), String(a.delivered), `${(a.share * 100).toFixed(1)} %`, String(a.remaining)]), new Set([0, 1, 2, 3]))] : []),
    '',
    'Deferrals by hour of day × weekday',
    heatmap(s.timeOfDay),
  ];
  return parts.join('\n');
}
