import * as api from '../api.js';
import { card, complaintCard, fmtNumber, fmtPercent, fmtTime, h, link, table } from '../ui.js';

export const title = 'Campaigns';

const tagHref = (tag) => `#/campaigns?tag=${encodeURIComponent(tag)}`;
const counts = (o) => Object.entries(o ?? {}).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));

/**
 * The sends a sender tagged (`tag` on POST /v1/messages), newest first, and one of them in full:
 * how its deliveries stand, why the failed ones failed (with what to do), why the others wait,
 * and who was never sent to. Live from the deliveries: no time window.
 */
export function mount(root, ctx) {
  const chosen = ctx.params.get('tag');
  const detail = h('div');
  const list = h('div');
  root.append(detail, list);
  let last = '';
  return async () => {
    const [tags, one, guide] = await Promise.all([
      api.tags(),
      chosen ? api.tag(chosen).catch((err) => (err instanceof api.ApiError && err.status === 404 ? null : Promise.reject(err))) : null,
      api.reasonGuide(),
    ]);
    const key = JSON.stringify([tags, one]);
    if (key === last) return;
    last = key;

    if (chosen && !one) detail.replaceChildren(h('p', { class: 'empty', 'data-testid': 'campaign-missing' }, `No message has the tag ${chosen}.`));
    else if (one) {
      const d = one.deliveries;
      detail.replaceChildren(
        h('h2', {}, `Campaign ${one.tag}`),
        h('p', { class: 'hint' }, `${fmtNumber(one.messages)} message(s), ${fmtTime(one.firstAt)} to ${fmtTime(one.lastAt)}. `, link('#/campaigns', 'All campaigns')),
        h('div', { class: 'cards' },
          card('Recipients', fmtNumber(d.total), 'campaign-total'),
          card('Delivered', fmtNumber(d.delivered), 'campaign-delivered'),
          card('Waiting', fmtNumber(d.queued + d.deferred), 'campaign-waiting'),
          card('Failed', fmtNumber(d.failed), 'campaign-failed'),
          card('Never sent', fmtNumber(d.notSent ?? 0), 'campaign-not-sent-total'),
          card('Bounce rate', fmtPercent(one.bounceRate), 'campaign-bounce-rate'),
          complaintCard(one.complaintRate, one.complaintLevel, one.complaints, 'campaign-complaint-rate')),
        h('h2', {}, 'Why deliveries failed'),
        table([
          { key: 0, label: 'reason', cell: ([reason]) => h('span', {}, h('code', {}, reason), guide?.[reason] ? ` (${guide[reason].category})` : '') },
          { key: 1, label: 'deliveries', num: true },
          { key: 2, label: 'what to do', cell: ([reason]) => (guide?.[reason]?.whatToDo?.[0] ?? '') },
        ], counts(one.failedByReason), { testid: 'campaign-failed-by-reason', empty: 'None failed after being sent.' }),
        h('h2', {}, 'Why deliveries wait'),
        table([{ key: 0, label: 'last reason' }, { key: 1, label: 'deliveries', num: true }], counts(one.waitingByReason), { testid: 'campaign-waiting-by-reason', empty: 'None waiting for a retry.' }),
        h('p', { class: 'hint' }, 'The recipients behind these counts: ', h('code', {}, `GET /v1/deliveries?tag=${one.tag}&status=failed`), ' (the never-sent ones carry rule address/…).'),
        h('h2', {}, 'Never sent'),
        table([{ key: 0, label: 'refused at submission' }, { key: 1, label: 'recipients', num: true }], counts(one.notSent), { testid: 'campaign-not-sent', empty: 'Every recipient was sent to.' }),
      );
    } else detail.replaceChildren();

    list.replaceChildren(
      h('h2', {}, 'Campaigns'),
      h('p', { class: 'hint' }, 'Messages submitted with a tag (POST /v1/messages with "tag"), the most recent first.'),
      table([
        { key: 'tag', label: 'tag', cell: (t) => link(tagHref(t.tag), t.tag) },
        { key: 'messages', label: 'messages', num: true },
        { key: 'firstAt', label: 'first sent', cell: (t) => fmtTime(t.firstAt) },
        { key: 'lastAt', label: 'last sent', cell: (t) => fmtTime(t.lastAt) },
      ], tags.tags ?? [], { testid: 'campaigns', empty: 'No tagged messages yet.' }),
    );
  };
}
