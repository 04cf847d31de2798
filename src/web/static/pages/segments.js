import * as api from '../api.js';
import { fmtNumber, fmtTime, h, link, lookupHref, table } from '../ui.js';

export const title = 'Segments';
const FIELDS = ['kind', 'enhanced', 'reason', 'domain'];
// The metrics' segment kinds (src/metrics/metrics-store.ts): waiting deliveries, addresses out of
// use, and every recipient with an outcome in the window.
// touched first: the API's default, and the one that is never empty once anything failed
const KINDS = ['touched', 'deferred', 'held', 'unavailable', 'suppressed'];
// A page shows this many; the CSV export has them all (a suppression list of 200,000 rows drawn
// every 5 s froze the tab).
const SHOWN = 1000;

/** Affected recipients filtered by status, code, reason, domain and the window; CSV export of the same filter. */
export function mount(root, ctx) {
  const inputs = {
    kind: h('select', { name: 'kind', id: 'seg-kind' }, KINDS.map((k) => h('option', { value: k }, k))),
    enhanced: h('input', { name: 'enhanced', id: 'seg-enhanced', placeholder: 'any', size: 8 }),
    reason: h('input', { name: 'reason', id: 'seg-reason', placeholder: 'any', size: 12, list: 'seg-reasons' }),
    domain: h('input', { name: 'domain', id: 'seg-domain', placeholder: 'any', size: 16 }),
  };
  // the reasons as suggestions: the filter takes one of them, and nobody should have to know them by heart
  const reasons = h('datalist', { id: 'seg-reasons' });
  api.reasonGuide().then((g) => reasons.replaceChildren(...Object.keys(g).sort().map((r) => h('option', { value: r }, g[r].category))), () => {});
  for (const f of FIELDS) if (ctx.params.get(f)) inputs[f].value = ctx.params.get(f);
  const csv = h('a', { href: '#', download: 'affected.csv', 'data-testid': 'csv-link' }, 'Export CSV');
  const results = h('div');
  const count = h('p', { 'data-testid': 'segment-count' });
  const form = h('form', { class: 'filters', 'aria-label': 'Segment filters' },
    FIELDS.map((f) => h('label', { for: inputs[f].id }, f === 'enhanced' ? 'enhanced code' : f === 'kind' ? 'status' : f, inputs[f])),
    h('button', { type: 'submit' }, 'Apply'), csv);
  root.append(h('h2', {}, 'Affected recipients'), form, reasons, count, results);

  const query = async () => {
    const w = await ctx.timeWindow();
    const q = { from: String(w.from), to: String(w.to) };
    for (const f of FIELDS) if (inputs[f].value.trim()) q[f] = inputs[f].value.trim();
    return q;
  };
  let last = '';
  const refresh = async () => {
    const q = await query();
    let data;
    try {
      data = await api.segment({ ...q, limit: String(SHOWN + 1) });
    } catch (err) {
      if (!(err instanceof api.ApiError) || err.status !== 400) throw err;
      // a filter the API refuses: say why, and show nothing that belongs to the previous filter
      last = '';
      count.textContent = `Filter not applied: ${err.message.replace(/^GET \S+ answered 400: /, '')}`;
      count.setAttribute('role', 'alert');
      results.replaceChildren();
      csv.removeAttribute('href');
      csv.setAttribute('aria-disabled', 'true');
      return;
    }
    count.removeAttribute('role');
    csv.href = api.segmentCsvUrl(q);
    csv.removeAttribute('aria-disabled');
    const key = JSON.stringify(data);
    if (key === last) return;
    last = key;
    const all = Array.isArray(data) ? data : data.recipients ?? data.rows ?? [];
    const rows = all.slice(0, SHOWN);
    count.textContent = all.length > SHOWN
      ? `More than ${fmtNumber(SHOWN)} recipients: the first ${fmtNumber(SHOWN)} are shown, and Export CSV has them all`
      : `${rows.length} recipient${rows.length === 1 ? '' : 's'}`;
    const keys = rows.length ? Object.keys(rows[0]) : [];
    results.replaceChildren(table(keys.map((k) => ({
      key: k, label: k, num: typeof rows[0][k] === 'number', class: /reply|response/i.test(k) ? 'reply' : undefined,
      cell: (r) => (k === 'recipient' || k === 'email' ? link(lookupHref(r[k]), r[k]) : (k === 'at' || /At$/.test(k)) ? fmtTime(r[k]) : r[k]),
    })), rows, { testid: 'segment', empty: 'No affected recipients match.' }));
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    last = '';
    void refresh();
  });
  return refresh;
}
