import * as api from '../api.js';
import { barChart } from '../chart.js';
import { card, fmtNumber, fmtPercent, h, table } from '../ui.js';

export const title = 'Retry funnel';

/** `byAttempt` rows `{ attempt, delivered, share, remaining }` as the metrics send them. */
export function funnelRows(byAttempt) {
  if (!Array.isArray(byAttempt)) return [];
  return byAttempt
    .map((r) => ({ attempt: Number(r.attempt), delivered: Number(r.delivered ?? 0), share: r.share, remaining: r.remaining ?? null }))
    .filter((r) => Number.isFinite(r.attempt))
    .sort((a, b) => a.attempt - b.attempt);
}

/** Of the deliveries first deferred in the window, how many each attempt of the schedule recovered. */
export function mount(root, ctx) {
  const cards = h('div', { class: 'cards' });
  const chart = h('div', { class: 'chart', 'data-testid': 'funnel-chart' });
  const rows = h('div');
  root.append(h('h2', {}, 'Retry funnel'), cards, h('h2', {}, 'Deliveries recovered by each attempt'), chart, rows);
  let last = '';
  return async () => {
    const w = await ctx.timeWindow();
    const sum = await api.summary(w.from, w.to);
    const key = JSON.stringify(sum.retrySuccess);
    if (key === last) return;
    last = key;
    const r = sum.retrySuccess ?? {};
    const funnel = funnelRows(r.byAttempt);
    cards.replaceChildren(
      card('Deferred (the cohort)', fmtNumber(r.deferred ?? 0), 'funnel-deferred'),
      card('Delivered after retry', fmtNumber(r.delivered ?? 0), 'funnel-delivered'),
      card('Failed', fmtNumber(r.failed ?? 0), 'funnel-failed'),
      card('Still waiting', fmtNumber(r.pending ?? 0), 'funnel-pending'),
      card('Retry success rate', fmtPercent(r.rate), 'funnel-rate'),
    );
    if (funnel.length === 0) chart.replaceChildren(h('p', { class: 'empty' }, 'No deferred deliveries in this window.'));
    else barChart(chart, funnel.map((x) => `attempt ${x.attempt}`), funnel.map((x) => x.delivered), { yLabel: 'delivered' });
    rows.replaceChildren(table([
      { key: 'attempt', label: 'attempt', num: true },
      { key: 'delivered', label: 'delivered at this attempt', num: true },
      { key: 'share', label: 'share of the cohort', num: true, cell: (x) => fmtPercent(x.share) },
      { key: 'remaining', label: 'still not final after it', num: true },
    ], funnel, { testid: 'funnel', empty: 'No deferred deliveries in this window.' }));
  };
}
