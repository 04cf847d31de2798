// Small DOM helpers: elements are built with textContent, never innerHTML, so a reply text from a
// remote server cannot inject markup into the page.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** A table from column specs `{ key, label, num?, cell?(row) }`; an empty list says so. */
export function table(columns, rows, { caption, empty = 'Nothing here yet.', testid } = {}) {
  if (!rows || rows.length === 0) return h('p', { class: 'empty', 'data-testid': testid }, empty);
  return h('table', { 'data-testid': testid },
    caption ? h('caption', { class: 'sr-only' }, caption) : null,
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : c.class }, c.label)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, columns.map((c) => {
      const v = c.cell ? c.cell(r) : r[c.key];
      // server replies can be long: clamped to three lines, the whole text on hover, click to expand
      if (c.class === 'reply' && typeof v === 'string' && v.length > 160) {
        const clamp = h('span', { class: 'clamp', title: v, tabindex: 0 }, v);
        clamp.addEventListener('click', () => clamp.classList.toggle('open'));
        return h('td', { class: 'reply', 'data-col': c.key }, clamp);
      }
      return h('td', { class: c.num ? 'num' : c.class, 'data-col': c.key }, v instanceof Node ? v : fmtValue(v));
    })))));
}

export function card(label, value, testid) {
  return h('div', { class: 'card' }, h('div', { class: 'label' }, label), h('div', { class: 'value', 'data-testid': testid }, value));
}

const COMPLAINT_NOTES = {
  ok: ['level-ok', 'under the 0.1 % Gmail and Yahoo ask for'],
  high: ['level-warn', 'over the 0.1 % Gmail and Yahoo ask for'],
  'too-high': ['level-bad', '0.3 % or more: Gmail and Yahoo refuse'],
};

/** The spam-complaint rate (reports / delivered) with where it stands against the mailbox providers' limits (level from the API). */
export function complaintCard(rate, level, complaints, testid) {
  const [cls, note] = COMPLAINT_NOTES[level] ?? ['', 'nothing delivered'];
  const value = typeof rate === 'number' && Number.isFinite(rate) ? `${(rate * 100).toFixed(2)} %` : '—';
  const reports = complaints === 1 ? '1 spam report' : `${fmtNumber(complaints ?? 0)} spam reports`;
  return h('div', { class: 'card' }, h('div', { class: 'label' }, 'Complaint rate'),
    h('div', { class: `value ${cls}`, 'data-testid': testid, 'data-level': level ?? '' }, value),
    h('div', { class: 'hint' }, `${reports}; ${note}`));
}

export function fmtValue(v) {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'number') return fmtNumber(v);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function fmtNumber(n) {
  if (!Number.isFinite(n)) return '—';
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

export const fmtPercent = (rate) => (typeof rate === 'number' && Number.isFinite(rate) ? `${(rate * 100).toFixed(1)} %` : '—');

export function fmtTime(ms) {
  if (ms === null || ms === undefined) return '—';
  const d = new Date(typeof ms === 'number' ? ms : Date.parse(ms));
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

export function fmtDuration(seconds) {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}

/** `{a: 3, b: 1}` or `[{key, count}]` → `[[key, count]]`, largest first. */
export function counts(obj) {
  if (!obj) return [];
  const pairs = Array.isArray(obj)
    ? obj.map((x) => [x.key ?? x.code ?? x.enhanced ?? x.reason ?? x.name, x.count ?? x.n ?? x.value])
    : Object.entries(obj);
  return pairs.filter(([, n]) => typeof n === 'number').sort((a, b) => b[1] - a[1]);
}

export const link = (href, text) => h('a', { href }, text);
export const lookupHref = (q) => `#/lookup?q=${encodeURIComponent(q)}`;
