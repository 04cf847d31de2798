import * as api from '../api.js';
import { fmtDuration, fmtTime, h, link, lookupHref, table } from '../ui.js';

export const title = 'Destinations';

const domainHref = (d) => `#/destinations?domain=${encodeURIComponent(d)}`;
const list = (x, key) => (Array.isArray(x) ? x : x?.[key] ?? []);

/** Every receiving server with its health and last reply; the problematic ranking; one domain's deliveries. */
export function mount(root, ctx) {
  const domain = ctx.params.get('domain');
  const detail = h('section');
  const ranking = h('section');
  const all = h('section');
  root.append(detail, ranking, all);
  let last = '';
  return async () => {
    const w = await ctx.timeWindow();
    const [dests, sum, dels] = await Promise.all([
      api.destinations(),
      api.summary(w.from, w.to),
      domain ? api.deliveries({ domain, limit: 100 }) : null,
    ]);
    const key = JSON.stringify([dests, sum.destinations, dels]);
    if (key === last) return;
    last = key;

    if (domain) {
      const rows = list(dels, 'deliveries').filter((d) => d.domain === undefined || d.domain === domain);
      detail.replaceChildren(
        h('h2', {}, `Deliveries to ${domain}`),
        h('p', {}, link('#/destinations', 'All destinations')),
        table([
          { key: 'id', label: 'delivery', cell: (d) => link(lookupHref(d.id), d.id) },
          { key: 'recipient', label: 'recipient', cell: (d) => link(lookupHref(d.recipient), d.recipient) },
          { key: 'status', label: 'status' },
          { key: 'attempts', label: 'attempts', num: true },
          { key: 'lastReply', label: 'last reply', class: 'reply', cell: (d) => d.lastOutcome?.response ?? d.lastReply ?? '—' },
          { key: 'nextAttemptAt', label: 'next attempt', cell: (d) => fmtTime(d.waitingUntil ?? d.nextAttemptAt) },
        ], rows, { testid: 'domain-deliveries', empty: 'No deliveries to this domain.' }),
        rows.length >= 100
          ? h('p', { class: 'hint', 'data-testid': 'domain-deliveries-more' }, 'The 100 newest deliveries. For all of them, export the recipients this domain touched: ',
            link(`#/segments?kind=touched&domain=${encodeURIComponent(domain)}`, `segments for ${domain}`), '.')
          : '',
      );
    }

    // an internationalised domain is stored as its A-label (xn--…): shown as people write it
    const shown = new Map(list(dests, 'destinations').map((d) => [d.domain, d.domainUnicode ?? d.domain]));
    const nameOf = (domain) => {
      const u = shown.get(domain) ?? domain;
      return u === domain ? domain : h('span', { title: domain }, u);
    };
    const ranked = list(sum.destinations, 'destinations');
    ranking.replaceChildren(
      h('h2', {}, 'Problematic servers'),
      h('p', { class: 'hint' }, 'Most time unavailable in the window first, then most deferrals, then refusals. "Gave up" counts deliveries that failed after their retries ran out; "refused" counts permanent refusals (blocks, unknown users…), which the Overview explains. Pick one to see its deliveries.'),
      table([
        { key: 'rank', label: '#', num: true, cell: (d) => ranked.indexOf(d) + 1 },
        { key: 'domain', label: 'destination', cell: (d) => link(domainHref(d.domain), nameOf(d.domain)) },
        { key: 'mxHosts', label: 'MX hosts', cell: (d) => (d.mxHosts ?? []).join(', ') },
        { key: 'unavailableSeconds', label: 'unavailable', num: true, cell: (d) => fmtDuration(d.unavailableSeconds) },
        { key: 'deferrals', label: 'deferrals', num: true },
        { key: 'failures', label: 'gave up', num: true },
        { key: 'refusals', label: 'refused', num: true },
        { key: 'retries', label: 'retries', num: true },
        { key: 'incidents', label: 'incidents', num: true },
        { key: 'open', label: 'incident open', cell: (d) => (d.open ? 'yes' : 'no') },
      ], ranked, { testid: 'ranking', empty: 'No troubled destinations in this window.' }),
    );

    all.replaceChildren(
      h('h2', {}, 'All destinations'),
      table([
        { key: 'domain', label: 'destination', cell: (d) => link(domainHref(d.domain), nameOf(d.domain)) },
        { key: 'health', label: 'health', cell: (d) => h('span', { class: `health-${d.health}` }, d.health) },
        { key: 'suspendedUntil', label: 'suspended until', cell: (d) => fmtTime(d.suspendedUntil) },
        { key: 'mxHost', label: 'MX host' },
        { key: 'attemptCount', label: 'attempts', num: true },
        { key: 'successCount', label: 'successes', num: true },
        { key: 'failureCount', label: 'failed attempts', num: true },
        { key: 'consecutiveFailures', label: 'failed since last success', num: true },
        { key: 'lastReply', label: 'last reply', class: 'reply' },
        { key: 'lastAt', label: 'last seen', cell: (d) => fmtTime(d.lastAt) },
      ], list(dests, 'destinations'), { testid: 'destinations' }),
    );
  };
}
