import * as api from '../api.js';
import { fmtTime, h, link, lookupHref, table } from '../ui.js';

export const title = 'Lookup';

/** An address (with reactivate/suppress) or a delivery with its full timeline of attempts. */
export function mount(root, ctx) {
  const input = h('input', { id: 'lookup-q', name: 'q', size: 40, placeholder: 'someone@example.com or a delivery id', required: true });
  input.value = ctx.params.get('q') ?? '';
  const form = h('form', { class: 'filters', role: 'search' }, h('label', { for: 'lookup-q' }, 'address or delivery id', input), h('button', { type: 'submit' }, 'Look up'));
  const out = h('div', { 'data-testid': 'lookup-result' });
  const message = h('p', { role: 'status' });
  root.append(h('h2', {}, 'Lookup'), form, message, out);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    ctx.navigate(lookupHref(input.value.trim()));
  });

  let last = '';
  const refresh = async () => {
    const q = (ctx.params.get('q') ?? '').trim();
    if (!q) return;
    let data;
    const guide = await api.reasonGuide().catch(() => null);
    try {
      data = q.includes('@')
        ? { address: await api.address(q), deliveries: (await api.deliveries({ recipient: q, limit: 50 })).deliveries }
        : await api.delivery(q);
    } catch (err) {
      if (err.status !== 404) throw err;
      out.replaceChildren(h('p', { class: 'empty' }, `Nothing is known about ${q}.`));
      return;
    }
    const key = JSON.stringify(data);
    if (key === last) return;
    last = key;
    out.replaceChildren(q.includes('@') ? addressView(q, data, guide) : deliveryView(data, guide));
  };

  const act = (fn, email, verb, ask) => async () => {
    // suppressing stops all mail to the address until someone reactivates it: asked, not one click
    if (ask && !window.confirm(ask)) return;
    try {
      await fn(email);
      message.textContent = `${email} ${verb}.`;
      last = '';
      await refresh();
    } catch (err) {
      message.textContent = `Could not change ${email}: ${err.message}`;
    }
  };

  function addressView(email, data, guide) {
    const a = data.address ?? data;
    const deliveries = data.deliveries ?? data.recentDeliveries ?? [];
    return h('section', {},
      h('h2', {}, email),
      h('dl', { class: 'facts' },
        h('dt', {}, 'status'), h('dd', { 'data-testid': 'address-status' }, a.status ?? 'active'),
        h('dt', {}, 'until'), h('dd', {}, fmtTime(a.until)),
        h('dt', {}, 'why'), h('dd', {}, a.reason ?? '—', a.reason && guide?.[a.reason] ? h('span', { class: 'muted' }, ` — ${guide[a.reason].summary}`) : ''),
        h('dt', {}, 'deferrals'), h('dd', {}, String(a.deferralCount ?? 0)),
        h('dt', {}, 'failures'), h('dd', {}, String(a.failureCount ?? 0)),
        h('dt', {}, 'hard bounces'), h('dd', {}, String(a.hardBounceCount ?? 0))),
      h('p', {},
        h('button', { type: 'button', onclick: act(api.reactivate, email, 'reactivated') }, 'Reactivate'), ' ',
        h('button', { type: 'button', class: 'secondary', onclick: act(api.suppress, email, 'suppressed', `Suppress ${email}? No mail goes to it until someone reactivates it.`) }, 'Suppress')),
      advice(a.status !== 'active' ? a.reason : null, guide),
      h('h2', {}, 'Deliveries'),
      table([
        { key: 'id', label: 'delivery', cell: (d) => link(lookupHref(d.id), d.id) },
        { key: 'status', label: 'status' },
        { key: 'attempts', label: 'attempts', num: true },
        { key: 'reply', label: 'last reply', class: 'reply', cell: (d) => d.lastReply ?? d.lastOutcome?.response ?? '—' },
        { key: 'createdAt', label: 'created', cell: (d) => fmtTime(d.createdAt) },
      ], deliveries, { testid: 'address-deliveries', empty: 'No deliveries to this address.' }));
  }

  // a delivery its destination paces is due already: say when it may go, and why it waits
  function nextAttempt(d) {
    if (!d.waitingUntil) return fmtTime(d.nextAttemptAt);
    return `${fmtTime(d.waitingUntil)} (due since ${fmtTime(d.nextAttemptAt)}; waiting for its destination's pace)`;
  }

  function deliveryView(data, guide) {
    const d = data.delivery ?? data;
    const attempts = data.attempts ?? d.attempts ?? [];
    const lastReason = Array.isArray(attempts) && attempts.length ? attempts[attempts.length - 1].reason : null;
    return h('section', {},
      h('h2', {}, `Delivery ${d.id}`),
      h('dl', { class: 'facts' },
        h('dt', {}, 'recipient'), h('dd', {}, link(lookupHref(d.recipient), d.recipient)),
        h('dt', {}, 'status'), h('dd', { 'data-testid': 'delivery-status' }, d.status),
        h('dt', {}, 'attempts'), h('dd', {}, `${d.attemptCount ?? (Array.isArray(attempts) ? attempts.length : d.attempts)}${d.maxAttempts ? ` of at most ${d.maxAttempts}` : ''}`),
        h('dt', {}, 'next attempt'), h('dd', {}, nextAttempt(d)),
        h('dt', {}, 'policy rule'), h('dd', {}, d.rule ?? '—'),
        h('dt', {}, 'created'), h('dd', {}, fmtTime(d.createdAt))),
      advice(d.status === 'delivered' ? null : lastReason, guide),
      h('h2', {}, 'Timeline'),
      table([
        { key: 'n', label: 'attempt', num: true },
        { key: 'at', label: 'at', cell: (a) => fmtTime(a.at) },
        { key: 'source', label: 'source' },
        { key: 'destination', label: 'server' },
        { key: 'reply', label: 'reply', class: 'reply', cell: (a) => a.response },
        { key: 'enhanced', label: 'code', cell: (a) => a.enhanced ?? a.basic },
        { key: 'class', label: 'class' },
        { key: 'reason', label: 'reason' },
        { key: 'rule', label: 'rule' },
      ], Array.isArray(attempts) ? attempts : [], { testid: 'timeline', empty: 'No attempts yet.' }));
  }
  return refresh;
}

/** What a reason means and what to do about it (the guide `rebound explain` prints), or nothing. */
function advice(reason, guide) {
  const g = reason ? guide?.[reason] : null;
  if (!g) return '';
  return h('section', { class: 'advice', 'data-testid': 'advice' },
    h('h3', {}, `${reason}: ${g.category.toLowerCase()}`),
    h('p', {}, g.summary),
    h('p', { class: 'hint' }, 'What to do:'),
    h('ul', { class: 'todo' }, g.whatToDo.map((x) => h('li', {}, x))));
}
