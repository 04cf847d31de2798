import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { BACKENDS, world, REPLIES, HOUR } from './helpers.ts';
import { metricsApi, prometheusApi, segmentsApi } from '../../src/server/routes/metrics-context.ts';
import type { ServerContext } from '../../src/server/context.ts';

for (const backend of BACKENDS) describe(`metrics routes on ${backend.name}`, { skip: backend.skip ?? false }, () => {
  test('the route-list entries build one Metrics from the server context and serve summary, segments and /metrics', async (t) => {
    const w = world((_job, now) => (now - w.t0 < HOUR ? REPLIES.notAccepting() : REPLIES.ok()), 'UTC', backend.name);
    t.after(w.cleanup);
    await w.send(['a@x.example']);
    await w.runUntil(w.t0 + 2 * HOUR);
    const ctx = { engine: w.engine, store: w.store } as unknown as ServerContext;
    const app = Fastify();
    t.after(() => app.close());
    for (const plugin of [metricsApi, segmentsApi, prometheusApi]) await app.register(plugin as never, ctx as never);
    const summary = (await app.inject(`/v1/metrics/summary?from=${w.t0}&to=${w.t0 + 2 * HOUR}`)).json();
    assert.equal(summary.resolution.maxSeconds, 3600);
    const segment = (await app.inject('/v1/segments/affected?kind=touched&format=jsonl')).body.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(segment.map((r) => [r.recipient, r.count]), [['a@x.example', 1]]);
    assert.match((await app.inject('/metrics')).body, /^rebound_incident_duration_seconds_count 1$/m);

    // mail waiting behind a suspended destination is never tried, so only 'held' lists it
    await w.store.updateDestinationHealth('held.example', { health: 'suspended', suspendedUntil: w.clock.now() + HOUR }, w.clock.now());
    await w.send(['two@held.example', 'one@held.example', 'fine@open.example']);
    const until = w.clock.now() + HOUR;
    w.clock.advance(60_000);
    const held = (await app.inject('/v1/segments/affected?kind=held&format=jsonl')).body.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(held.map((r) => [r.recipient, r.status, r.count, r.at]), [
      ['one@held.example', 'queued', 0, new Date(until).toISOString()],
      ['two@held.example', 'queued', 0, new Date(until).toISOString()],
    ]);
    assert.equal((await app.inject('/v1/segments/affected?kind=deferred&domain=held.example&format=jsonl')).body.trim(), '');
  });
});

test('on a store without metrics tables the routes answer 501 with a clear error instead of stopping the server', async (t) => {
  const ctx = { engine: { clock: { now: () => 0 } }, store: { listEvents: async () => [] } } as unknown as ServerContext;
  const app = Fastify();
  t.after(() => app.close());
  for (const plugin of [metricsApi, segmentsApi, prometheusApi]) await app.register(plugin as never, ctx as never);
  for (const path of ['/v1/metrics/summary', '/v1/segments/affected', '/metrics']) {
    const res = await app.inject(path);
    assert.equal(res.statusCode, 501, path);
    assert.match(res.json().error, /SQLite and PostgreSQL stores only/);
  }
});
