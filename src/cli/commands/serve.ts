import type { Command } from 'commander';
import { ConfigError, loadServeConfig, type ServeConfig } from '../../server/config.ts';
import { startServer } from '../../server/server.ts';
import { WebhooksConfigError } from '../../server/routes/webhooks-setup.ts';
import { UsageError } from '../usage-error.ts';
import { RuleFileError } from '../../classify/index.ts';
import { PolicyFileError } from '../../policy/load-policy.ts';
import { StoreOpenError } from '../../store/open-store.ts';
import { redactUrl } from '../../store/postgres/postgres-store.ts';

/** The --db to show back: a PostgreSQL URL's password never reaches the terminal or its scrollback. */
function dbForDisplay(db: string): string {
  return /^postgres(ql)?:\/\//.test(db) ? `'${redactUrl(db)}' (password left out)` : db;
}

interface Options {
  config?: string;
  db?: string;
  host?: string;
  port?: string;
  smtpPort?: string;
  relay?: string;
  timeScale?: string;
  policy?: string;
  rules?: string;
  returnPathDomain?: string;
  envelopeSender?: string;
  logLevel?: string;
  role?: string;
  healthPort?: string;
  webhooks?: string;
  batchSize?: string;
  retentionDays?: string;
}

/** `rebound serve`: the HTTP API, the inbound SMTP listener for bounces and the delivery engine, in one process. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP API, inbound SMTP for bounces, and delivery with retries (flags > env > config file)')
    .option('--config <file>', 'YAML or JSON settings file (or $REBOUND_CONFIG)')
    .option('--db <path|url>', 'SQLite file or postgres://… (default ./data/rebound.db; $REBOUND_DB)')
    .option('--host <addr>', 'address to listen on (default 127.0.0.1; $REBOUND_HOST)')
    .option('--port <n>', 'HTTP port (default 8025; $REBOUND_PORT)')
    .option('--smtp-port <n>', 'inbound SMTP port for bounce emails (default 2525; $REBOUND_SMTP_PORT)')
    .option('--relay <url>', 'send through this relay, smtp://user:pass@host:port (default: direct to MX; $REBOUND_RELAY)')
    .option('--time-scale <n>', 'engine seconds per real second, for demos and tests (default 1; $REBOUND_TIME_SCALE)')
    .option('--policy <file>', 'retry policy YAML (default built in; $REBOUND_POLICY)')
    .option('--rules <file>', 'classification rules (YAML or JSON) merged over the shipped ones ($REBOUND_RULES)')
    .option('--return-path-domain <domain>', 'domain whose bounces the SMTP listener accepts ($REBOUND_RETURN_PATH_DOMAIN)')
    .option('--envelope-sender <from|verp>', 'MAIL FROM: the message\'s sender, or a VERP address in the return-path domain so bounces reach the SMTP listener (default from; $REBOUND_ENVELOPE_SENDER)')
    .option('--log-level <level>', 'pino level (default info; $REBOUND_LOG_LEVEL)')
    .option('--role <role>', 'api | worker | all: scale API nodes and worker nodes apart on PostgreSQL (default all; $REBOUND_ROLE)')
    .option('--health-port <n>', 'also serve GET /healthz alone on this port, for a worker node\'s probes (default none; $REBOUND_HEALTH_PORT)')
    .option('--webhooks <file>', 'webhooks YAML: ESP providers taken in, endpoints sent to, resend hook ($REBOUND_WEBHOOKS)')
    .option('--retention-days <n>', 'delete finished deliveries, their messages and old events after N days; suppressions and metrics are kept (default: keep all; $REBOUND_RETENTION_DAYS)')
    .option('--batch-size <n>', 'deliveries claimed at once and most in flight per worker (default 100; $REBOUND_BATCH_SIZE)')
    .action(async (opts: Options) => {
      let config: ServeConfig;
      try {
        config = loadServeConfig({
          db: opts.db, host: opts.host, port: opts.port, smtpPort: opts.smtpPort, relay: opts.relay, timeScale: opts.timeScale,
          policy: opts.policy, rules: opts.rules, returnPathDomain: opts.returnPathDomain, envelopeSender: opts.envelopeSender, logLevel: opts.logLevel,
          role: opts.role, healthPort: opts.healthPort, webhooks: opts.webhooks, batchSize: opts.batchSize, retentionDays: opts.retentionDays,
        }, process.env, opts.config ?? process.env.REBOUND_CONFIG);
      } catch (err) {
        if (err instanceof ConfigError) throw new UsageError(err.message);
        throw err;
      }
      const server = await startServer(config).catch((err: unknown) => {
        // a bad file the user named stops the start with its own message, not a stack
        throw err instanceof WebhooksConfigError || err instanceof RuleFileError || err instanceof PolicyFileError || err instanceof StoreOpenError ? new UsageError(err.message) : err;
      });
      if (server.firstToken) {
        process.stderr.write(`\nNo API token was configured, so one was made and stored (hashed). It is shown only now:\n\n  ${server.firstToken}\n\nUse it as "Authorization: Bearer TOKEN". More: rebound token create --db ${dbForDisplay(config.db)}\n\n`);
      }
      process.stderr.write(config.role === 'worker'
        ? 'rebound: worker node: delivering from the shared store; no HTTP API or bounce SMTP here (--role worker)\n'
        : `rebound: HTTP API on http://${config.host}:${server.httpPort}/ , bounce SMTP on ${config.host}:${server.smtpPort}${config.role === 'api' ? ' (--role api: no deliveries here)' : ''}\n`);
      await new Promise<void>((resolve) => {
        const onSignal = (signal: string) => {
          process.off('SIGTERM', onSignal);
          process.off('SIGINT', onSignal);
          process.stderr.write(`rebound: ${signal}, stopping\n`);
          void server.close().then(resolve, resolve);
        };
        process.on('SIGTERM', onSignal);
        process.on('SIGINT', onSignal);
      });
    });
}
