import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { createClassifier, defaultClassifier } from '../classify/index.ts';
import { HealthGate, healthStoreFor } from '../delivery/health/index.ts';
import { parseRelayUrl, SmtpTransport } from '../delivery/transport/index.ts';
import { RealClock, type Clock } from '../engine/clock.ts';
import { Engine } from '../engine/engine.ts';
import { Scheduler } from '../engine/scheduler.ts';
import type { Transport } from '../engine/transport.ts';
import { defaultPolicy, loadPolicyFile } from '../policy/index.ts';
import { openStore, StoreOpenError } from '../store/open-store.ts';
import { PostgresStore } from '../store/postgres/postgres-store.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { Store } from '../store/store.ts';
import { buildApp } from './app.ts';
import { healthRoutes } from './routes/health.ts';
import { BounceWriter } from './bounce-writer.ts';
import type { ServeConfig } from './config.ts';
import { startInboundSmtp } from './inbound-smtp.ts';
import { runRetention } from './retention-loop.ts';
import { QuarantineStore } from './quarantine.ts';
import { PostgresTokenStore, SqliteTokenStore, type TokenStore } from './token-store.ts';
import { loadWebhooksConfig, webhookServices } from './routes/webhooks-setup.ts';

/**
 * One last pass of the outgoing webhooks at shutdown: one batch of POSTs, claimed at once, each
 * ending within the POST timeout (10 s) and recorded before the store closes; what it could not
 * send waits in the store for the next start.
 */
async function finalDispatch(dispatcher: { runOnce(options: { maxBatches?: number }): Promise<unknown> }, logger: Logger): Promise<void> {
  await dispatcher.runOnce({ maxBatches: 1 }).catch((err: unknown) => logger.warn({ event: 'webhooks.final_dispatch_failed', err }, 'events written while stopping wait for the next start'));
}

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  engine: Engine;
  tokens: TokenStore;
  httpPort: number;
  smtpPort: number;
  /** The /healthz-only listener's port (`healthPort`), else null. */
  healthPort: number | null;
  /** A token made at this start because none existed (shown once), else null. */
  firstToken: string | null;
  /** Graceful stop: no new work, in-flight attempts finished, bounces written, store closed. */
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  clock?: Clock;
  /** Replace the SMTP transport (tests of the server alone). */
  transport?: Transport;
  /** On PostgreSQL, how often (wall time) the API tokens other nodes made or revoked are re-read; default 5 s. */
  tokenRefreshMs?: number;
}

/**
 * Starts everything `rebound serve` runs: the store, the engine and its scheduler, SMTP
 * delivery (relay or direct MX), the HTTP API and the inbound SMTP listener for bounces.
 */
export async function startServer(config: ServeConfig, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? pino({ level: config.logLevel, base: { service: 'rebound' } });
  const isPostgres = /^postgres(ql)?:\/\//.test(config.db);
  if (!isPostgres) mkdirSync(dirname(config.db.replace(/^sqlite:/, '')), { recursive: true });
  const store = openStore(config.db, { durability: config.durability });
  if (store instanceof SqliteStore) {
    const damage = store.quickCheck();
    if (damage) {
      await store.close();
      throw new StoreOpenError(`${config.db} is damaged (SQLite quick_check: ${damage}); restore it from a backup, see docs/http-api.md#backups`);
    }
  }
  // Whatever started before a later step failed (a taken SMTP port, a bad policy file) is stopped
  // again, so a failed start exits instead of leaving a half-started server answering /healthz.
  const started: Array<() => unknown> = [() => store.close()];
  try {
    return await startOnStore(store, config, options, logger, isPostgres, started);
  } catch (err) {
    for (const stop of started.reverse()) await Promise.resolve().then(stop).catch(() => {});
    throw err;
  }
}

async function startOnStore(store: Store, config: ServeConfig, options: StartOptions, logger: Logger, isPostgres: boolean, started: Array<() => unknown>): Promise<RunningServer> {
  // A sped-up clock runs ahead of wall time; restarted from wall time it would go backwards, and
  // leases and schedules written by the last run would wait for it to catch up. It resumes from
  // the latest time the store has seen instead.
  // At real speed the clock stays wall time whatever the store holds: times shown to the sender,
  // ESP event times and DSN dates must be the world's. A store written sped-up is then ahead,
  // which the log says, since its scheduled mail waits for the wall clock to catch up.
  const latest = options.clock ? null : await store.latestTime();
  const resumeAt = config.timeScale === 1 ? null : latest;
  const clock = options.clock ?? new RealClock(config.timeScale, Math.max(Date.now(), resumeAt ?? 0));
  if (config.timeScale === 1 && latest !== null && latest > Date.now() + 60_000) {
    logger.warn({ event: 'server.store_ahead', storeTime: new Date(latest).toISOString() }, `the store holds times up to ${new Date(latest).toISOString()}, ahead of the wall clock (written under --time-scale); at real speed, mail scheduled then waits until those times`);
  }
  const sqlite = store instanceof SqliteStore ? store.db : null;
  const tokens: TokenStore = sqlite ? new SqliteTokenStore(sqlite) : new PostgresTokenStore(store as PostgresStore, options.tokenRefreshMs);
  started.push(() => tokens.close());
  if (tokens instanceof PostgresTokenStore) {
    await tokens.load();
    tokens.start((err) => logger.warn({ event: 'tokens.refresh_failed', err }, 'could not re-read API tokens; keeping the last ones'));
  }
  const quarantine = new QuarantineStore(sqlite ? { sqlite } : { postgres: store as PostgresStore });
  const policy = config.policy ? loadPolicyFile(config.policy) : defaultPolicy();
  const engine = new Engine({ store, policy, clock });
  // one classifier for every path a reply or bounce comes in by, so a user's rules apply to all
  const classifier = config.rules ? createClassifier({ rulesFile: config.rules }) : defaultClassifier();
  const classify = classifier.classify;

  let firstToken: string | null = null;
  if (config.apiTokens.length === 0 && (await tokens.count()) === 0) {
    const made = await tokens.create('first start');
    firstToken = made.token;
    // shown only after a good start: a start that fails later must not leave a full-access token
    // nobody was told, which would also keep the next start from making (and showing) one
    started.push(() => tokens.revoke(made.info.id));
  }

  const smtp = options.transport ?? new SmtpTransport({
    mode: config.relay ? { kind: 'relay', relay: parseRelayUrl(config.relay) } : { kind: 'direct' },
    clock, classify, policy,
    ...(config.envelopeSender === 'verp' ? { returnPath: { domain: config.returnPathDomain } } : {}),
  });
  // Webhooks (ESP events in, Rebound's events out, the resend hook) run only when configured;
  // a bad webhooks file stops the start rather than leaving providers unverified.
  const webhooks = config.webhooks
    ? webhookServices(loadWebhooksConfig(config.webhooks), {
      store, clock, classifier, smtp,
      // a claimed POST is this node's for at least a minute of wall time (a POST times out after
      // 10 s), however fast the engine clock runs
      leaseMs: Math.max(5 * 60_000, 60_000 * config.timeScale),
      onError: (err, context) => logger.error({ event: 'webhooks.error', context, err }, 'webhooks error'),
    })
    : null;
  // every node, before it takes work: whichever starts first fixes where the endpoints' events begin
  if (webhooks) await webhooks.dispatcher.startFromNow();
  const transport = webhooks?.transport ?? smtp;
  // leases are in engine time: a sped-up clock needs them longer, or they expire mid-attempt
  const slowDown = Math.max(1, config.timeScale / 60);
  const leaseMs = 5 * 60_000 * slowDown;
  const worker = `${hostname()}:${process.pid}`;
  const onError = (err: Error, context: string) => logger.error({ event: 'scheduler.error', context, err }, 'scheduler error');
  // Several nodes on PostgreSQL: suspensions are re-read from the shared row every second, and
  // the per-destination concurrency limit is counted across nodes in destination_slots.
  const cluster = store instanceof PostgresStore
    ? { refreshMs: 1000 * slowDown, slots: { store, holder: worker, leaseMs } }
    : {};
  const gate = new HealthGate({
    policy, store: healthStoreFor(store), onError, ...cluster,
    onEvent: (e) => {
      const type = (e as { type?: string }).type ?? 'health';
      logger.info({ ...(e as object), event: type.startsWith('destination.') ? type : `destination.${type}` }, 'destination health');
    },
  });
  const scheduler = new Scheduler({ engine, transport, gate, worker, leaseMs, onError, batchSize: config.batchSize });
  const bounces = new BounceWriter(engine, sqlite);
  const context = {
    engine, store, classifier, bounces, bodyLimit: config.bodyLimit, returnPathDomain: config.returnPathDomain,
    metricsTimeZone: config.metricsTimeZone, metricsTopDomains: config.metricsTopDomains, quarantine,
    ...(webhooks ? { webhooks: webhooks.ingest } : {}),
  };
  const app = await buildApp({ context, tokens: config.apiTokens, tokenStore: tokens, protectMetrics: config.metricsAuth === 'token', logger });
  // --role: an API node takes submissions, reports and bounce emails but never delivers; a
  // worker node only delivers. Both share the work through a PostgreSQL store.
  const serving = config.role !== 'worker';
  const delivering = config.role !== 'api';
  started.push(() => app.close());
  if (serving) await app.listen({ host: config.host, port: config.port });
  const httpPort = serving ? (app.server.address() as { port: number }).port : 0;
  const inbound = serving ? await startInboundSmtp({
    host: config.host, port: config.smtpPort, returnPathDomain: config.returnPathDomain, maxBytes: config.smtpMaxBytes,
    ratePerMinute: config.smtpRatePerMinute, bounces, quarantine, clock, logger, classify,
  }) : { port: 0, close: async () => {} };

  // A worker node has no API; its probes get /healthz (the same check: the database answers) here.
  const health = config.healthPort === null ? null : await buildApp({ context, tokens: config.apiTokens, tokenStore: tokens, logger, routes: [healthRoutes] });
  if (health) {
    started.push(() => health.close());
    await health.listen({ host: config.host, port: config.healthPort! });
  }
  const healthPort = health ? (health.server.address() as { port: number }).port : null;

  const stop = new AbortController();
  // Submissions on other nodes wake this one's scheduler at once (it still polls as well).
  if (delivering && store instanceof PostgresStore) await store.listen(() => scheduler.wake());
  const running = delivering
    ? scheduler.run(stop.signal).catch((err: unknown) => logger.error({ event: 'scheduler.stopped', err }, 'scheduler stopped'))
    : Promise.resolve();
  // Outgoing webhooks are sent by worker nodes, from the events outbox every node writes to.
  const dispatching = delivering && webhooks
    ? webhooks.dispatcher.run(stop.signal).catch((err: unknown) => logger.error({ event: 'webhooks.stopped', err }, 'outgoing webhooks stopped'))
    : Promise.resolve();
  // Retention runs where deliveries are made: one place per node that finishes them.
  const pruning = delivering && config.retentionDays !== null
    ? runRetention({ store, clock, days: config.retentionDays, logger, signal: stop.signal })
    : Promise.resolve();
  if (!delivering && config.retentionDays !== null) {
    logger.warn({ event: 'retention.not_here', retentionDays: config.retentionDays, role: config.role }, 'retentionDays is set, but this node does not deliver (--role api): pruning runs on worker and all nodes only');
  }
  // an upgrade is one-way: the log says when it happened and what it applied
  const migrated = store instanceof SqliteStore || store instanceof PostgresStore ? store.migrated : [];
  if (migrated.length) logger.info({ event: 'store.migrated', migrations: migrated }, `database upgraded to schema ${migrated.at(-1)}`);
  logger.info({ event: 'server.started', httpPort, smtpPort: inbound.port, db: isPostgres ? 'postgres' : config.db, timeScale: config.timeScale, role: config.role, healthPort, delivery: config.relay ? 'relay' : 'direct', webhooks: config.webhooks !== null, retentionDays: config.retentionDays }, 'rebound serve is up');

  let closing: Promise<void> | null = null;
  return {
    app, store, engine, tokens, httpPort, smtpPort: inbound.port, healthPort, firstToken,
    close() {
      closing ??= (async () => {
        logger.info({ event: 'server.stopping' }, 'stopping: no new work, finishing attempts in flight');
        await Promise.all([app.close(), inbound.close(), health?.close()]);
        stop.abort();
        await Promise.all([running, dispatching, pruning]);
        await bounces.drain();
        // the attempts finished while draining wrote events: send them now rather than at a next
        // start that may never come (at most one POST timeout; what is left waits in the store)
        if (delivering && webhooks) await finalDispatch(webhooks.dispatcher, logger);
        await transport.close?.();
        tokens.close();
        await store.close();
        logger.info({ event: 'server.stopped' }, 'stopped');
      })();
      return closing;
    },
  };
}
