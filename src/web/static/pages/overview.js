import * as api from '../api.js';
import { timeChart } from '../chart.js';
import { card, complaintCard, counts, fmtDuration, fmtNumber, fmtPercent, fmtTime, h, link, table } from '../ui.js';

export const title = 'Overview';
const TOP = 5;
const DAY_MS = 86_400_000;

/** Deferrals, delivered-after-retry, queue depth by status, open incidents; deferrals over time by code or reason. */
export function mount(root, ctx) {
  const groupBy = h('select', { id: 'group-by' }, h('option', { value: 'byEnhanced' }, 'enhanced code'), h('option', { value: 'byReason' }, 'reason'));
  const cards = h('div', { class: 'cards' });
  const queue = h('div', { class: 'cards' });
  const chart = h('div', { class: 'chart', 'data-testid': 'deferrals-chart' });
  const breakdown = h('div', { class: 'grid2' });
  const incidents = h('div');
  const refused = h('div');
  root.append(
    h('h2', {}, 'At a glance'), cards,
    h('h2', {}, 'Refused for good: what to do'), refused,
    h('h2', {}, 'Queue depth by status'), queue,
    h('h2', {}, 'Deferrals over time by ', h('label', {}, h('span', { class: 'sr-only' }, 'group by '), groupBy)), chart,
    breakdown,
    h('h2', {}, 'Open incidents'), incidents,
  );
  let last = '';
  const refresh = async () => {
    const w = await ctx.timeWindow();
    // Hours up to a week (168 steps); days beyond, where hours would be a comb of 720 steps.
    const bucket = w.to - w.from > 7 * DAY_MS ? 'day' : 'hour';
    const [sum, depth, freq, guide] = await Promise.all([api.summary(w.from, w.to), api.deliveryCounts(), api.frequency(w.from, w.to, bucket), api.reasonGuide()]);
    const key = JSON.stringify([sum, depth, freq, groupBy.value]);
    if (key === last) return;
    last = key;

    cards.replaceChildren(
      card('Delivered', fmtNumber(sum.outcomes?.delivered ?? 0), 'delivered-total'),
      card('Bounce rate', fmtPercent(sum.outcomes?.bounceRate), 'bounce-rate'),
      complaintCard(sum.outcomes?.complaintRate, sum.outcomes?.complaintLevel, sum.outcomes?.complaints, 'complaint-rate'),
      card('Deferrals', fmtNumber(sum.deferrals?.total ?? 0), 'deferrals-total'),
      card('Refused for good', fmtNumber(sum.refusals?.total ?? 0), 'refusals-total'),
      card('Delivered after retry', fmtPercent(sum.retrySuccess?.rate), 'retry-rate'),
      card('Incidents resolved', fmtNumber(sum.resolution?.count ?? 0), 'incidents-resolved'),
      card('Open incidents', fmtNumber(sum.resolution?.open?.length ?? 0), 'incidents-open'),
      card('Resolution p50', fmtDuration(sum.resolution?.p50Seconds), 'resolution-p50'),
      card('Resolution p90', fmtDuration(sum.resolution?.p90Seconds), 'resolution-p90'),
    );
    queue.replaceChildren(...['queued', 'deferred', 'delivered', 'failed'].map((s) => card(s, fmtNumber(depth[s] ?? 0), `queue-${s}`)));

    const by = groupBy.value;
    const buckets = fillBuckets(freq.series ?? [], w.from, w.to, bucket);
    const top = counts(freq[by]).slice(0, TOP).map(([k]) => k);
    const series = top.map((k) => ({ label: k, values: buckets.map((b) => Number(b[by]?.[k] ?? 0)) }));
    const rest = buckets.map((b) => counts(b[by]).filter(([k]) => !top.includes(k)).reduce((a, [, n]) => a + n, 0));
    if (rest.some((n) => n > 0)) series.push({ label: 'other', values: rest });
    if (series.length === 0) chart.replaceChildren(h('p', { class: 'empty' }, 'No deferrals in this window.'));
    else timeChart(chart, buckets.map((b) => b.at / 1000), series);

    refused.replaceChildren(refusalTable(sum.refusals, guide));
    breakdown.replaceChildren(
      h('section', {}, h('h2', {}, 'Deferrals by enhanced code'),
        table([{ key: 0, label: 'code' }, { key: 1, label: 'deferrals', num: true }], counts(sum.deferrals?.byEnhanced), { testid: 'by-enhanced' })),
      h('section', {}, h('h2', {}, 'Deferrals by reason'),
        table([{ key: 0, label: 'reason', cell: ([r]) => reasonLabel(r, guide) }, { key: 1, label: 'deferrals', num: true }], counts(sum.deferrals?.byReason), { testid: 'by-reason' })),
    );
    incidents.replaceChildren(table([
      { key: 'domain', label: 'destination', cell: (d) => link(`#/destinations?domain=${encodeURIComponent(d.domain)}`, d.domain) },
      { key: 'openedAt', label: 'since', cell: (d) => fmtTime(d.openedAt) },
      { key: 'ageSeconds', label: 'open for', cell: (d) => fmtDuration(d.ageSeconds) },
      { key: 'deferrals', label: 'deferrals', num: true },
      { key: 'recipients', label: 'recipients', num: true },
    ], sum.resolution?.open ?? [], { testid: 'open-incidents', empty: 'No open incidents.' }));
  };
  groupBy.addEventListener('change', () => void refresh());
  return refresh;
}

/** A reason's name with its meaning beside it, so `notaccept` or `authfailure` needs no manual. */
function reasonLabel(reason, guide) {
  const g = guide?.[reason];
  return g ? h('span', { title: g.summary }, h('code', {}, reason), ' ', h('span', { class: 'muted' }, `(${g.category.toLowerCase()})`)) : reason;
}

/**
 * Permanent failures by reason, largest first, each with what the guide says to do first and the
 * domains that refused most; the reason links to the recipients it hit (the touched segment).
 */
function refusalTable(refusals, guide) {
  const rows = counts(refusals?.byReason).map(([reason, n]) => ({ reason, n, g: guide?.[reason], top: refusals.topDomainsByReason?.[reason] ?? [] }));
  return table([
    { key: 'reason', label: 'reason', cell: (r) => link(`#/segments?kind=touched&reason=${encodeURIComponent(r.reason)}`, reasonLabel(r.reason, guide)) },
    { key: 'n', label: 'refused', num: true },
    { key: 'todo', label: 'what to do', cell: (r) => (r.g ? h('ul', { class: 'todo' }, r.g.whatToDo.slice(0, 2).map((x) => h('li', {}, x))) : '—') },
    { key: 'top', label: 'most from', cell: (r) => h('span', {}, r.top.slice(0, 3).flatMap((d, i) => [i ? ', ' : '', link(`#/destinations?domain=${encodeURIComponent(d.domain)}`, d.domain), ` (${fmtNumber(d.count)})`])) },
  ], rows, { testid: 'refusals', empty: 'No permanent failures in this window.' });
}

/**
 * The metrics send only buckets with deferrals; the chart needs every bucket of the window (zeros
 * included) so its x axis is the window and a quiet hour reads as zero, not as a gap.
 */
export function fillBuckets(series, from, to, bucket) {
  const step = bucket === 'day' ? DAY_MS : 3_600_000;
  const label = (t) => (bucket === 'day' ? new Date(t).toISOString().slice(0, 10) : new Date(t).toISOString());
  const byStart = new Map(series.map((b) => [b.start, b]));
  const out = [];
  for (let t = Math.floor(from / step) * step; t < to; t += step) out.push({ at: t, ...(byStart.get(label(t)) ?? { byEnhanced: {}, byReason: {} }) });
  return out;
}
