// Every call the dashboard makes, in one place: the paths and shapes are the HTTP API's
// (docs/dashboard.md lists them). The login cookie goes along by itself (same origin).

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

async function request(method, path, params) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  const res = await fetch(url, { method, headers: { accept: 'application/json' }, credentials: 'same-origin' });
  if (res.status === 401) {
    location.assign('/login');
    throw new ApiError('not logged in', 401);
  }
  if (!res.ok) {
    let detail = '';
    try { detail = (await res.json()).error ?? ''; } catch { /* not JSON */ }
    throw new ApiError(`${method} ${url.pathname} answered ${res.status}${detail ? `: ${detail}` : ''}`, res.status);
  }
  return res.json();
}

const enc = encodeURIComponent;

/** `{ now }`: the server's clock (a `--time-scale` or test clock is not the browser's). */
export const serverClock = () => request('GET', '/web/clock');
export const summary = (from, to, extra = {}) => request('GET', '/v1/metrics/summary', { from, to, ...extra });
/** `{ bucket, total, byEnhanced, byReason, series: [{ start, total, byEnhanced, byReason }] }` */
export const frequency = (from, to, bucket) => request('GET', '/v1/metrics/deferrals', { from, to, bucket });
export const destinations = () => request('GET', '/v1/destinations');
let guide = null;
/** `{ reason: { category, summary, causes, whatToDo } }`, fetched once: the guide never changes while the server runs. */
export const reasonGuide = () => (guide ??= request('GET', '/v1/reasons').then((r) => r.reasons, (err) => { guide = null; throw err; }));
export const deliveryCounts = () => request('GET', '/v1/deliveries/counts');
export const tags = () => request('GET', '/v1/tags');
export const tag = (name) => request('GET', `/v1/tags/${enc(name)}`);
export const deliveries = (query) => request('GET', '/v1/deliveries', query);
export const delivery = (id) => request('GET', `/v1/deliveries/${enc(id)}`);
export const address = (email) => request('GET', `/v1/addresses/${enc(email)}`);
export const reactivate = (email) => request('POST', `/v1/addresses/${enc(email)}/reactivate`);
export const suppress = (email) => request('POST', `/v1/addresses/${enc(email)}/suppress`);
export const segment = (query) => request('GET', '/v1/segments/affected', { ...query, format: 'json' });
export function segmentCsvUrl(query) {
  const url = new URL('/v1/segments/affected', location.origin);
  for (const [k, v] of Object.entries(query)) if (v) url.searchParams.set(k, v);
  url.searchParams.set('format', 'csv');
  return url.pathname + url.search;
}
