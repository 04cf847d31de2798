import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Engine } from '../../src/engine/engine.ts';
import type { Metrics, SegmentKind } from '../../src/metrics/index.ts';
import { SEGMENT_KINDS } from '../../src/metrics/index.ts';
import { requestToken, tokenAccepted } from '../../src/web/token.ts';

/**
 * The JSON routes the dashboard reads, as thin wrappers over the real Engine, Store and Metrics
 * on a real SQLite file. `rebound serve` (src/server/) was not in the tree when this test was
 * written; once it is, the test should mount the dashboard on that app instead and this file
 * goes. Paths and shapes follow the issue and docs/dashboard.md.
 */
export async function standInApi(app: FastifyInstance, opts: { engine: Engine; metrics: Metrics; tokens: string[] }): Promise<void> {
  const { engine, metrics, tokens } = opts;
  const store = engine.store;
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.url.startsWith('/v1/') && !tokenAccepted(tokens, requestToken(request))) {
      return reply.code(401).send({ error: 'a valid token is required' });
    }
  });
  const win = (q: Record<string, string | undefined>) => ({
    from: Number(q.from ?? 0), to: Number(q.to ?? engine.clock.now() + 1), enhanced: q.enhanced ?? null, reason: q.reason ?? null, domain: q.domain ?? null,
  });
  type Q = { Querystring: Record<string, string | undefined> };
  type P = { Params: Record<string, string> };

  app.get<Q>('/v1/metrics/summary', async (r) => metrics.summary(win(r.query)));
  app.get<Q>('/v1/metrics/frequency', async (r) => metrics.frequency(win(r.query), r.query.bucket === 'day' ? 'day' : 'hour'));
  app.get('/v1/destinations', async () => ({ destinations: await store.listDestinations() }));
  app.get('/v1/deliveries/counts', async () => store.countDeliveries());
  app.get<Q>('/v1/deliveries', async (r) => {
    const all = await store.listDeliveries({ limit: 10_000 });
    return { deliveries: all.filter((d) => !r.query.domain || d.domain === r.query.domain).slice(0, Number(r.query.limit ?? 100)) };
  });
  app.get<P>('/v1/deliveries/:id', async (r, reply) => {
    const delivery = await store.getDelivery(r.params.id!);
    if (!delivery) return reply.code(404).send({ error: 'no such delivery' });
    return { delivery, attempts: await store.listAttempts(delivery.id) };
  });
  app.get<P>('/v1/addresses/:email', async (r) => {
    const email = r.params.email!.toLowerCase();
    return {
      address: await engine.getAddress(email),
      deliveries: await store.listDeliveries({ recipient: email, limit: 50 }),
      reports: await store.listAddressReports(email),
    };
  });
  app.post<P>('/v1/addresses/:email/reactivate', async (r) => ({ address: await engine.reactivateAddress(r.params.email!) }));
  app.post<P>('/v1/addresses/:email/suppress', async (r) => ({ address: await engine.suppressAddress(r.params.email!) }));
  app.get<Q>('/v1/segments/affected', async (r, reply) => {
    const kind = (r.query.kind ?? 'deferred') as SegmentKind;
    if (!SEGMENT_KINDS.includes(kind)) return reply.code(400).send({ error: `kind must be one of ${SEGMENT_KINDS.join(', ')}` });
    await metrics.sync();
    const rows = [];
    for await (const row of metrics.metrics.segment({ ...win(r.query), kind })) rows.push(row);
    if (r.query.format !== 'csv') return { recipients: rows };
    const cols = ['recipient', 'domain', 'status', 'reason', 'enhanced', 'count', 'at'] as const;
    const cell = (v: unknown) => (v === null || v === undefined ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
    const csv = [cols.join(','), ...rows.map((row) => cols.map((c) => cell(row[c])).join(','))].join('\n') + '\n';
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="affected.csv"').send(csv);
  });
}
