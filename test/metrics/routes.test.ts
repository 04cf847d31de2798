import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { world, REPLIES, HOUR } from './helpers.ts';
import { metricsRoutes } from '../../src/server/routes/metrics-routes.ts';
import { segmentRoutes } from '../../src/server/routes/segments.ts';
import { prometheusRoutes } from '../../src/server/routes/prometheus.ts';
import { createPrometheusRegistry } from '../../src/metrics/prometheus.ts';

/** a.example is down for 5 h; b.example refuses one user for good; two domains are still down at 6 h. */
async function app(options: { token?: string; topDomains?: number } = {}) {
  const w = world((job, now) => {
    if (job.recipient.startsWith('gone@')) return REPLIES.userUnknown();
    if (job.domain === 'a.example') return now - w.t0 < 5 * HOUR ? REPLIES.notAccepting() : REPLIES.ok();
    if (job.domain.startsWith('down')) return REPLIES.notAccepting();
    return REPLIES.ok();
  });
  await w.send(['=cmd@a.example', 'two@a.example', 'gone@b.example', 'x@down1.example', 'y@down2.example']);
  await w.runUntil(w.t0 + 6 * HOUR);
  w.clock.set(w.t0 + 6 * HOUR);
  const server = Fastify();
  await server.register(metricsRoutes, { metrics: w.metrics });
  await server.register(segmentRoutes, { metrics: w.metrics });
  const registry = createPrometheusRegistry(w.metrics, { topDomains: options.topDomains ?? 20 });
  const token = options.token;
  await server.register(prometheusRoutes, { registry, authorize: token ? (req) => req.headers.authorization === `Bearer ${token}` : undefined });
  return { ...w, server };
}

test('GET /v1/metrics/summary answers the documented shape for the window and filters', async (t) => {
  const a = await app();
  t.after(async () => { await a.server.close(); await a.cleanup(); });
  const from = new Date(a.t0).toISOString();
  const res = await a.server.inject(`/v1/metrics/summary?from=${from}&to=${a.t0 + 6 * HOUR}&domain=a.example`);
  assert.equal(res.statusCode, 200);
  const s = res.json();
  assert.deepEqual(s.deferrals, { total: 4, byEnhanced: { '4.3.2': 4 }, byReason: { notaccept: 4 } });
  assert.deepEqual(s.resolution, { count: 1, p50Seconds: 5 * 3600, p90Seconds: 5 * 3600, maxSeconds: 5 * 3600, open: [] });
  assert.deepEqual(s.destinations.map((d: { domain: string }) => d.domain), ['a.example']);
  assert.equal(s.retrySuccess.rate, 1);
  assert.equal(s.timeOfDay.length, 7);
  assert.ok(s.timeOfDay.every((row: number[]) => row.length === 24));
});

test('each metric has its own route, and a bad query is a 400 that names the parameter', async (t) => {
  const a = await app();
  t.after(async () => { await a.server.close(); await a.cleanup(); });
  const window = `from=${a.t0}&to=${a.t0 + 6 * HOUR}`;
  for (const path of ['deferrals', 'destinations', 'resolution', 'retry-success', 'time-of-day']) {
    assert.equal((await a.server.inject(`/v1/metrics/${path}?${window}`)).statusCode, 200, path);
  }
  // the incidents themselves come newest first, as many as asked
  const all = (await a.server.inject(`/v1/metrics/resolution?${window}&limit=10000`)).json() as { incidentsTotal: number; incidents: Array<{ openedAt: number }> };
  assert.ok(all.incidentsTotal >= 2, `incidents: ${all.incidentsTotal}`);
  assert.equal(all.incidents.length, all.incidentsTotal);
  assert.deepEqual(all.incidents.map((i) => i.openedAt), [...all.incidents.map((i) => i.openedAt)].sort((x, y) => y - x));
  const one = (await a.server.inject(`/v1/metrics/resolution?${window}&limit=1`)).json() as typeof all;
  assert.deepEqual([one.incidentsTotal, one.incidents.length, one.incidents[0]!.openedAt], [all.incidentsTotal, 1, all.incidents[0]!.openedAt]);
  const openNow = (all as unknown as { openTotal: number }).openTotal;
  assert.ok(openNow >= 2, `open: ${openNow}`);
  assert.deepEqual([(one as unknown as { open: unknown[]; openTotal: number }).open.length, (one as unknown as { openTotal: number }).openTotal], [1, openNow]);
  const daily = (await a.server.inject(`/v1/metrics/deferrals?${window}&bucket=day`)).json();
  assert.equal(daily.series[0].start, '2026-01-05');
  const tod = (await a.server.inject(`/v1/metrics/time-of-day?${window}&tz=Asia/Tokyo`)).json();
  assert.equal(tod.timeZone, 'Asia/Tokyo');
  assert.equal(tod.counts[0][18], 4); // Monday 09:00 UTC is 18:00 in Tokyo: the first attempts of all four deferred deliveries
  for (const [query, word] of [['enhanced=x', 'enhanced'], ['from=yesterday', 'from'], ['tz=Mars/Olympus', 'time zone'], ['from=10&to=5', 'before'], ['domain=%3Cscript%3E', 'domain'], ['colour=red', 'unknown parameter "colour"'], ['reason=bogus', 'reason must be one of']]) {
    const res = await a.server.inject(`/v1/metrics/${query.startsWith('tz=') ? 'time-of-day' : 'summary'}?${query}`);
    assert.equal(res.statusCode, 400, query);
    assert.match(res.json().error, new RegExp(word!));
  }
  // a parameter another route reads is refused, not silently ignored
  for (const [path, query] of [['summary', 'kind=held'], ['summary', 'format=csv'], ['summary', 'tz=UTC'], ['deferrals', 'limit=3'], ['destinations', 'bucket=day']]) {
    const res = await a.server.inject(`/v1/metrics/${path}?${query}`);
    assert.equal(res.statusCode, 400, `${path}?${query}`);
    assert.match(res.json().error, /does not apply here \(this one takes: from, to, enhanced, reason, domain/);
  }
  const segment = await a.server.inject('/v1/segments/affected?bucket=day');
  assert.equal(segment.statusCode, 400);
  assert.match(segment.json().error, /"bucket" does not apply here/);
});

test('segments stream as CSV with formula-looking cells defused, and as JSON', async (t) => {
  const a = await app();
  t.after(async () => { await a.server.close(); await a.cleanup(); });
  const misspelt = await a.server.inject('/v1/segments/affected?knd=deferred');
  assert.equal(misspelt.statusCode, 400);
  assert.match(misspelt.json().error, /unknown parameter "knd"/);
  const touched = await a.server.inject('/v1/segments/affected?kind=touched&domain=a.example&format=csv');
  assert.equal(touched.statusCode, 200);
  assert.match(String(touched.headers['content-type']), /^text\/csv/);
  const lines = touched.body.trim().split('\r\n');
  assert.equal(lines[0], 'recipient,domain,status,reason,enhanced,count,at');
  assert.deepEqual(lines.slice(1).map((l) => l.split(',').slice(0, 6).join(',')), [
    "'=cmd@a.example,a.example,delivered,notaccept,4.3.2,2",
    'two@a.example,a.example,delivered,notaccept,4.3.2,2',
  ]);
  const deferred = (await a.server.inject('/v1/segments/affected?kind=deferred&format=json')).json();
  assert.deepEqual(deferred.map((r: { recipient: string }) => r.recipient), ['x@down1.example', 'y@down2.example']);
  // a page of a segment: the first rows in its order, in every format
  assert.deepEqual((await a.server.inject('/v1/segments/affected?kind=deferred&format=json&limit=1')).json().map((r: { recipient: string }) => r.recipient), ['x@down1.example']);
  assert.equal((await a.server.inject('/v1/segments/affected?kind=deferred&format=csv&limit=1')).body.trim().split('\r\n').length, 2);
  assert.equal((await a.server.inject('/v1/segments/affected?kind=deferred&limit=0')).statusCode, 400);
  const suppressed = (await a.server.inject('/v1/segments/affected?kind=suppressed&format=json')).json();
  assert.deepEqual(suppressed.map((r: { recipient: string; reason: string }) => [r.recipient, r.reason]), [['gone@b.example', 'userunknown']]);
  const empty = await a.server.inject('/v1/segments/affected?kind=unavailable&format=json');
  assert.deepEqual(empty.json(), []);
  assert.equal((await a.server.inject('/v1/segments/affected?kind=everyone')).statusCode, 400);
});

test('/metrics exposes conventional names, bounds domain labels to the top N, and can require the token', async (t) => {
  const a = await app({ token: 'a-long-enough-token-123', topDomains: 1 });
  t.after(async () => { await a.server.close(); await a.cleanup(); });
  assert.equal((await a.server.inject('/metrics')).statusCode, 401);
  const res = await a.server.inject({ url: '/metrics', headers: { authorization: 'Bearer a-long-enough-token-123' } });
  assert.equal(res.statusCode, 200);
  const body = res.body;
  assert.match(body, /^rebound_deferrals_total\{enhanced="4\.3\.2",reason="notaccept"\} 10$/m);
  // a.example: attempts 2 and 3 of two deliveries; down1/down2: attempts 2 and 3 of one each.
  assert.match(body, /^rebound_retry_attempts_total 8$/m);
  // every delivery that ended, by how: the bounce rate's parts
  const outcomes = Object.fromEntries([...body.matchAll(/^rebound_outcomes_total\{outcome="([a-z_]+)"\} (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
  assert.deepEqual(Object.keys(outcomes).sort(), ['delivered', 'gave_up', 'refused']);
  const s = (await a.server.inject({ url: '/v1/metrics/summary?from=0', headers: { authorization: 'Bearer a-long-enough-token-123' } })).json();
  assert.deepEqual([outcomes.delivered, outcomes.refused, outcomes.gave_up], [s.outcomes.delivered, s.outcomes.refused, s.outcomes.gaveUp]);
  assert.match(body, new RegExp(`^rebound_complaints_total ${s.outcomes.complaints}$`, 'm'));
  assert.match(body, /^rebound_incident_duration_seconds_count 1$/m);
  assert.match(body, /^rebound_incident_duration_seconds_bucket\{le="18000"\} 1$/m);
  assert.match(body, /^rebound_incident_duration_seconds_bucket\{le="3600"\} 0$/m);
  assert.match(body, /^rebound_deliveries\{status="deferred"\} 2$/m);
  assert.match(body, /^rebound_destinations_suspended 0$/m);
  const domainLabels = [...body.matchAll(/^rebound_domain_deferrals_total\{domain="([^"]+)"\}/gm)].map((m) => m[1]).sort();
  assert.deepEqual(domainLabels.length, 2);
  assert.ok(domainLabels.includes('other'));
  const open = [...body.matchAll(/^rebound_incidents_open\{domain="([^"]+)"\} (\d+)$/gm)].map((m) => [m[1], Number(m[2])]);
  assert.deepEqual(open.map((o) => o[1]).reduce((s, n) => (s as number) + (n as number), 0), 2);
  assert.ok(open.length <= 2);
});
