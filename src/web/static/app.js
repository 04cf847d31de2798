// The dashboard shell: hash routing between pages, the time window, and polling. Each page
// module exports `mount(root, ctx)`, which builds the page's fixed parts (forms) once and
// returns `refresh()`, called at once and then every POLL_MS without reloading the page.
import * as api from './api.js';
import { fmtTime, h } from './ui.js';

const POLL_MS = 5000;
const PAGES = {
  overview: () => import('./pages/overview.js'),
  destinations: () => import('./pages/destinations.js'),
  funnel: () => import('./pages/funnel.js'),
  'time-of-day': () => import('./pages/time-of-day.js'),
  segments: () => import('./pages/segments.js'),
  campaigns: () => import('./pages/campaigns.js'),
  lookup: () => import('./pages/lookup.js'),
};

const main = document.getElementById('main');
const status = document.getElementById('status');
const windowSelect = document.getElementById('window');
const customWindow = document.getElementById('custom-window');
const windowFrom = document.getElementById('window-from');
const windowTo = document.getElementById('window-to');
let current = { refresh: null, generation: 0 };
let timer = null;

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [name, query = ''] = raw.split('?');
  return { name: PAGES[name] ? name : 'overview', params: new URLSearchParams(query) };
}

/** The window the figures cover, read from the server's clock so a test or time-scaled clock lines up. */
let serverNow = null;
async function timeWindow() {
  const { now, timeZone } = await api.serverClock();
  serverNow = now;
  if (windowSelect.value === 'custom') {
    // datetime-local has no zone: the fields are read as UTC, as every time on the pages is shown
    const from = Date.parse(`${windowFrom.value}Z`);
    const to = Date.parse(`${windowTo.value}Z`);
    if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to) throw new Error('the custom window needs a From before its To');
    return { from, to, now, timeZone };
  }
  const span = Number(windowSelect.value) * 1000;
  return { from: now - span, to: now, now, timeZone };
}

/** "Custom" starts from the window that was showing, so the fields never open empty. */
const toField = (ms) => new Date(ms).toISOString().slice(0, 16);
function chooseWindow() {
  const custom = windowSelect.value === 'custom';
  customWindow.hidden = !custom;
  if (custom && (!windowFrom.value || !windowTo.value)) {
    const now = serverNow ?? Date.now();
    windowFrom.value = toField(now - 7 * 86_400_000);
    windowTo.value = toField(now + 60_000);
  }
  void refresh(current.generation);
}

async function refresh(generation) {
  if (!current.refresh || generation !== current.generation) return;
  try {
    await current.refresh();
    main.classList.remove('stale');
    // the server's clock, as every time on the pages is (under --time-scale it is not the browser's)
    if (generation === current.generation) status.textContent = `Updated ${serverNow === null ? '—' : fmtTime(serverNow)} (server clock) · refreshes every ${POLL_MS / 1000} s`;
  } catch (err) {
    status.textContent = `Could not update: ${err.message}`;
    // the figures on screen belong to the last window that could be read, not to the fields
    main.classList.add('stale');
  } finally {
    main.dataset.loaded = String(generation);
  }
}

async function route() {
  const { name, params } = parseHash();
  for (const a of document.querySelectorAll('nav a')) {
    if (a.getAttribute('href') === `#/${name}`) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const generation = ++current.generation;
  delete main.dataset.loaded;
  main.dataset.page = name;
  main.replaceChildren(h('p', { class: 'empty' }, 'Loading…'));
  const page = await PAGES[name]();
  if (generation !== current.generation) return;
  main.replaceChildren();
  const ctx = { params, timeWindow, navigate: (hash) => { location.hash = hash; } };
  current.refresh = page.mount(main, ctx);
  document.title = `Rebound — ${page.title}`;
  await refresh(generation);
}

function poll() {
  clearInterval(timer);
  timer = setInterval(() => {
    if (!document.hidden) void refresh(current.generation);
  }, POLL_MS);
}

window.addEventListener('hashchange', () => void route());
windowSelect.addEventListener('change', chooseWindow);
for (const field of [windowFrom, windowTo]) field.addEventListener('change', () => void refresh(current.generation));
void route();
poll();
