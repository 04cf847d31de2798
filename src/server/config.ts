import { yamlProblemText } from '../policy/yaml-location.ts';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** Everything `rebound serve` runs with. */
export interface ServeConfig {
  db: string;
  host: string;
  port: number;
  smtpPort: number;
  /** `smtp://host:port` to hand every message to a relay; null delivers straight to each domain's MX. */
  relay: string | null;
  timeScale: number;
  /** SQLite: `full` fsyncs every commit (survives power loss); `normal` survives a crash or kill -9 and is faster. */
  durability: 'full' | 'normal';
  /** Tokens accepted besides the ones stored by `rebound token create`. */
  apiTokens: string[];
  policy: string | null;
  /** A classification rule file (YAML or JSON, docs/classification.md) merged over the shipped rules. */
  rules: string | null;
  /** Domain of the VERP return path; the inbound SMTP listener accepts mail for it only. */
  returnPathDomain: string;
  /**
   * MAIL FROM of outgoing mail: `from`, the message's sender (bounces go to the sender's own
   * mailbox), or `verp`, bounces+recipient@returnPathDomain (bounces come back to the listener).
   */
  envelopeSender: 'from' | 'verp';
  /** Largest HTTP body and largest inbound bounce email, in bytes. */
  bodyLimit: number;
  smtpMaxBytes: number;
  /** Inbound bounce emails per client IP per minute (wall time). */
  smtpRatePerMinute: number;
  /** `open` or `token`: whether /metrics needs the bearer token. */
  metricsAuth: 'open' | 'token';
  logLevel: string;
  /** A second HTTP listener with only `GET /healthz`, for a `worker` node (which has no API) and its probes; null: none. */
  healthPort: number | null;
  /** `all` (one node), `api` (HTTP and bounce SMTP, no deliveries) or `worker` (deliveries only); several nodes share PostgreSQL. */
  role: 'api' | 'worker' | 'all';
  /** A webhooks file (YAML): ESP providers taken in, endpoints Rebound's events go to, the resend hook's secret. */
  webhooks: string | null;
  /** IANA time zone of the time-of-day heatmap and the hour buckets of reports. */
  metricsTimeZone: string;
  /** Recipient domains that get their own Prometheus label values; the rest are summed as `other`. */
  metricsTopDomains: number;
  /**
   * Deliveries a worker claims at once, which is also the most it has handed to SMTP and not yet
   * recorded: the crash bound (a killed worker's batch may be sent again) and the size of one
   * outcome transaction. Larger batches record more transitions per second (docs/engine.md).
   */
  batchSize: number;
  /**
   * Days after which finished deliveries, their messages and attempts, read outbox events and
   * other records are deleted (hourly, by worker nodes); null keeps everything. Addresses
   * (suppressions) and metrics are always kept (docs/http-api.md#retention).
   */
  retentionDays: number | null;
}

export const DEFAULTS: ServeConfig = {
  db: './data/rebound.db',
  host: '127.0.0.1',
  port: 8025,
  smtpPort: 2525,
  relay: null,
  timeScale: 1,
  durability: 'full',
  apiTokens: [],
  policy: null,
  rules: null,
  returnPathDomain: 'bounces.localhost',
  envelopeSender: 'from',
  bodyLimit: 1024 * 1024,
  smtpMaxBytes: 10 * 1024 * 1024,
  smtpRatePerMinute: 120,
  metricsAuth: 'open',
  logLevel: 'info',
  healthPort: null,
  role: 'all',
  webhooks: null,
  metricsTimeZone: 'UTC',
  metricsTopDomains: 20,
  batchSize: 100,
  retentionDays: null,
};

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const schema = z.strictObject({
  db: z.string().min(1),
  host: z.string().min(1),
  port: z.number().int().min(0).max(65535),
  smtpPort: z.number().int().min(0).max(65535),
  relay: z.string().min(1).nullable(),
  timeScale: z.number().positive().max(1_000_000),
  durability: z.enum(['full', 'normal']),
  apiTokens: z.array(z.string().min(16, 'an API token must have at least 16 characters')),
  policy: z.string().min(1).nullable(),
  rules: z.string().min(1).nullable(),
  returnPathDomain: z.string().regex(/^[a-z0-9.-]+$/i, 'a domain name'),
  envelopeSender: z.enum(['from', 'verp']),
  bodyLimit: z.number().int().min(1024),
  smtpMaxBytes: z.number().int().min(1024),
  smtpRatePerMinute: z.number().int().min(1),
  metricsAuth: z.enum(['open', 'token']),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  healthPort: z.number().int().min(0).max(65535).nullable(),
  role: z.enum(['api', 'worker', 'all']),
  webhooks: z.string().min(1).nullable(),
  metricsTimeZone: z.string().refine(isTimeZone, 'an IANA time zone such as UTC or Europe/Paris'),
  metricsTopDomains: z.number().int().min(0).max(1000),
  batchSize: z.number().int().min(1).max(10_000),
  retentionDays: z.number({ error: 'a number of days, such as 90 (no unit)' }).min(1, 'at least 1 day (ESP event ids are kept that long to drop repeats)').max(36_500, 'at most 36500 days').nullable(),
});

/** Environment variable for each setting; a list setting takes comma-separated values. */
const ENV: Record<keyof ServeConfig, string> = {
  db: 'REBOUND_DB', host: 'REBOUND_HOST', port: 'REBOUND_PORT', smtpPort: 'REBOUND_SMTP_PORT', relay: 'REBOUND_RELAY',
  timeScale: 'REBOUND_TIME_SCALE', durability: 'REBOUND_DURABILITY', apiTokens: 'REBOUND_API_TOKEN', policy: 'REBOUND_POLICY', rules: 'REBOUND_RULES',
  returnPathDomain: 'REBOUND_RETURN_PATH_DOMAIN', envelopeSender: 'REBOUND_ENVELOPE_SENDER', bodyLimit: 'REBOUND_BODY_LIMIT', smtpMaxBytes: 'REBOUND_SMTP_MAX_BYTES',
  smtpRatePerMinute: 'REBOUND_SMTP_RATE', metricsAuth: 'REBOUND_METRICS_AUTH', logLevel: 'REBOUND_LOG_LEVEL',
  healthPort: 'REBOUND_HEALTH_PORT', role: 'REBOUND_ROLE', webhooks: 'REBOUND_WEBHOOKS', metricsTimeZone: 'REBOUND_METRICS_TZ', metricsTopDomains: 'REBOUND_METRICS_TOP_DOMAINS',
  batchSize: 'REBOUND_BATCH_SIZE', retentionDays: 'REBOUND_RETENTION_DAYS',
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Strings from flags and the environment become the setting's type (numbers, lists). */
function coerce(key: keyof ServeConfig, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const d = DEFAULTS[key];
  // a number that is off by default
  if (typeof d === 'number' || key === 'healthPort' || key === 'retentionDays') return value.trim() === '' ? NaN : Number(value);
  if (Array.isArray(d)) return value.split(',').map((s) => s.trim()).filter(Boolean);
  return value;
}

/**
 * The serve settings: flags win over the environment, the environment over the config file
 * (YAML or JSON, keys as in ServeConfig), the file over the defaults. Throws ConfigError naming
 * the setting and where it came from.
 */
export function loadServeConfig(flags: Partial<Record<keyof ServeConfig, unknown>>, env: NodeJS.ProcessEnv, file?: string): ServeConfig {
  let fromFile: Record<string, unknown> = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = parseYaml(text);
    } catch (err) {
      throw new ConfigError(yamlProblemText(file, err as Error));
    }
    if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) throw new ConfigError(`${file}: expected a mapping of settings`);
    fromFile = (parsed ?? {}) as Record<string, unknown>;
    for (const k of Object.keys(fromFile)) if (!(k in DEFAULTS)) throw new ConfigError(`${file}: unknown setting "${k}" (known: ${Object.keys(DEFAULTS).join(', ')})`);
  }
  const merged: Record<string, unknown> = {};
  const origin: Record<string, string> = {};
  for (const key of Object.keys(DEFAULTS) as Array<keyof ServeConfig>) {
    merged[key] = DEFAULTS[key];
    origin[key] = 'default';
    if (fromFile[key] !== undefined) { merged[key] = fromFile[key]; origin[key] = file!; }
    if (env[ENV[key]] !== undefined && env[ENV[key]] !== '') { merged[key] = coerce(key, env[ENV[key]]); origin[key] = ENV[key]; }
    if (flags[key] !== undefined) { merged[key] = coerce(key, flags[key]); origin[key] = 'flag'; }
  }
  const result = schema.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = String(issue.path[0] ?? '');
    throw new ConfigError(`setting ${key} (from ${origin[key] ?? '?'}): ${issue.message}`);
  }
  return result.data;
}
