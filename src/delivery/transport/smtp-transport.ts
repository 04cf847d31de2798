import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Classification } from '../../classify/types.ts';
import type { Clock } from '../../engine/clock.ts';
import type { AttemptOutcome, DeliveryJob, Transport } from '../../engine/transport.ts';
import type { SmtpPhase } from '../../smtp/types.ts';
import type { Policy } from '../../policy/types.ts';
import { builtInPolicy, limitsFor } from '../limits.ts';
import { ConnectionPool } from './connection-pool.ts';
import { resolveRoute, systemResolver, type DnsResolver, type Route } from './mx-route.ts';
import type { RelayTarget } from './relay-url.ts';
import { SessionFailure, type SessionTarget, type DsnRequest, type SessionTimeouts, type SmtpSession, type TransactionReplies } from './smtp-session.ts';
import { stampReboundId } from './stamp-header.ts';
import { verpAddress } from '../../dsn/verp.ts';

/** The classifier's signature (src/classify): a reply text or a network error, with the step it came at. */
export type Classifier = (input: string | Error, opts: { phase?: SmtpPhase }) => Classification;

/** A failure without an SMTP reply, in the shape of a Node system error (code ECONNREFUSED, ETIMEDOUT…). */
export class NetworkError extends Error {
  override name = 'NetworkError';
  constructor(message: string, readonly code: string, options?: ErrorOptions) {
    super(message, options);
  }
}

export interface DirectMode {
  kind: 'direct';
  resolver?: DnsResolver;
  /** 25 on the Internet; tests point it at their receivers. */
  port?: number;
  /** Opportunistic STARTTLS without certificate checks is what MTAs do between each other. */
  starttls?: 'require' | 'may' | 'never';
  verifyCertificate?: boolean;
}
export interface RelayMode {
  kind: 'relay';
  relay: RelayTarget;
  /** Extra CA to trust for the relay's certificate. */
  ca?: string | Buffer;
}

export interface SmtpTransportOptions {
  mode: DirectMode | RelayMode;
  clock: Clock;
  classify: Classifier;
  /** The policy whose `destinations` section limits connections; the built-in one by default. */
  policy?: Policy;
  /** Name given in EHLO; the machine's host name by default. */
  ehloName?: string;
  timeouts?: Partial<SessionTimeouts>;
  /**
   * 'one' (default): one transaction per delivery, so each copy carries its own X-Rebound-ID and
   * a bounce leads to exactly one delivery. 'many': the deliveries of one message to one domain
   * share a transaction (one DATA, several RCPT); the header then lists every delivery id, and a
   * bounce is matched to its delivery by the recipient it names.
   */
  recipientsPerTransaction?: 'one' | 'many';
  /**
   * The envelope sender (MAIL FROM), where bounces go. Absent: the message's own sender. Given: a
   * VERP address in this domain per recipient (`bounces+jane=example.org@domain`), so a bounce
   * comes back to Rebound's inbound SMTP naming the recipient even when its text does not; a
   * shared transaction, or an address VERP cannot carry, uses `bounces@domain`.
   */
  returnPath?: { domain: string; prefix?: string };
  /** Addresses tried per delivery when hosts refuse the connection (Postfix smtp_mx_address_limit). */
  maxAddresses?: number;
  /** How long an MX answer is reused (wall time). */
  dnsCacheMs?: number;
  random?: () => number;
}

/**
 * One delivery's DSN parameters: its id as the ENVID and its address as the ORCPT. An address
 * that is not ASCII would need RFC 6533's utf-8 type, which nodemailer does not write: left out.
 */
function dsnFor(job: DeliveryJob): DsnRequest {
  const ascii = /^[\x21-\x7e]+$/;
  return {
    ret: 'HDRS',
    ...(ascii.test(job.deliveryId) && job.deliveryId.length <= 100 ? { envid: job.deliveryId } : {}),
    ...(ascii.test(job.recipient) ? { orcpt: job.recipient } : {}),
  };
}

const DEFAULT_TIMEOUTS: SessionTimeouts = { connectMs: 30_000, greetingMs: 60_000, idleMs: 5 * 60_000 };

/** One SMTP transaction to run: the deliveries it carries and the message as it will be sent. */
interface Unit {
  domain: string;
  from: string;
  jobs: DeliveryJob[];
  raw: Buffer;
  dsn: DsnRequest;
}

interface Hop {
  /** Host name recorded as the destination (MX or relay name). */
  name: string;
  target: SessionTarget;
}

/** What decided one delivery's attempt, before classification. */
interface Verdict {
  phase: SmtpPhase | null;
  reply: string | null;
  networkError: { code: string; message: string } | null;
  destination: string | null;
}

const isPositive = (reply: string | null) => reply !== null && /^2/.test(reply);

/**
 * Delivers over real SMTP, through a relay or straight to each domain's MX hosts, with pooled
 * connections. Every job gets exactly one outcome; SMTP and network failures are outcomes,
 * never rejections.
 */
export class SmtpTransport implements Transport {
  private readonly pool: ConnectionPool;
  private readonly policy: Policy;
  private readonly ehloName: string;
  private readonly resolver: DnsResolver | null;
  private readonly routes = new Map<string, { at: number; route: Promise<Route> }>();

  constructor(private readonly options: SmtpTransportOptions) {
    this.pool = new ConnectionPool({ ...DEFAULT_TIMEOUTS, ...options.timeouts });
    this.policy = options.policy ?? builtInPolicy();
    this.ehloName = options.ehloName ?? hostname();
    this.resolver = options.mode.kind === 'direct' ? options.mode.resolver ?? systemResolver() : null;
  }

  async deliver(jobs: DeliveryJob[], signal?: AbortSignal): Promise<AttemptOutcome[]> {
    const outcomes = new Map<string, AttemptOutcome>();
    await Promise.all(this.plan(jobs).map(async (unit) => {
      for (const outcome of await this.run(unit, signal)) outcomes.set(outcome.attemptId, outcome);
    }));
    return jobs.flatMap((job) => outcomes.get(job.attemptId) ?? []);
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  /** Open connections per host, for `rebound destinations` and tests. */
  connections() {
    return this.pool.stats();
  }

  /** MAIL FROM for a transaction carrying these jobs. */
  private envelopeFrom(jobs: readonly DeliveryJob[]): string {
    const rp = this.options.returnPath;
    if (!rp) return jobs[0]!.from;
    const prefix = rp.prefix ?? 'bounces';
    return (jobs.length === 1 ? verpAddress(jobs[0]!.recipient, rp.domain, prefix) : null) ?? `${prefix}@${rp.domain}`;
  }

  private plan(jobs: DeliveryJob[]): Unit[] {
    if (this.options.recipientsPerTransaction !== 'many') {
      return jobs.map((job) => ({ domain: job.domain, from: this.envelopeFrom([job]), jobs: [job], raw: stampReboundId(job.raw, [job.deliveryId]), dsn: dsnFor(job) }));
    }
    const groups = new Map<string, DeliveryJob[]>();
    for (const job of jobs) {
      const key = `${job.messageId}\u0000${job.domain}\u0000${job.from}`;
      const group = groups.get(key);
      if (group) group.push(job);
      else groups.set(key, [job]);
    }
    return [...groups.values()].map((group) => ({
      domain: group[0]!.domain,
      from: this.envelopeFrom(group),
      jobs: group,
      raw: stampReboundId(group[0]!.raw, group.map((j) => j.deliveryId)),
      // nodemailer sends one ORCPT for every RCPT, and an ENVID names one delivery: a shared
      // transaction asks for headers only and relies on X-Rebound-ID plus the recipient
      dsn: group.length === 1 ? dsnFor(group[0]!) : { ret: 'HDRS' as const },
    }));
  }

  /** One transaction's jobs; none of them (an empty answer) when `signal` aborted before it went on the wire. */
  private async run(unit: Unit, signal?: AbortSignal): Promise<AttemptOutcome[]> {
    const started = performance.now();
    const finish = (verdictOf: (job: DeliveryJob) => Verdict) => unit.jobs.map((job) => this.outcome(job, verdictOf(job), started));
    if (signal?.aborted) return [];
    const hops = await this.hops(unit.domain);
    if (!Array.isArray(hops)) return finish(() => hops);
    let last: Verdict = { phase: 'connect', reply: null, networkError: { code: 'ENOTFOUND', message: 'no host to try' }, destination: null };
    for (const hop of hops) {
      // connections are pooled per host, sized by the recipient domain's limits
      const limits = limitsFor(this.policy, unit.domain);
      const poolLimits = { maxConnections: limits.connections, maxMessagesPerConnection: limits.messagesPerConnection, idleMs: limits.idleMs };
      if (signal?.aborted) return [];
      let session: SmtpSession;
      try {
        session = await this.pool.acquire(hop.target, poolLimits);
      } catch (err) {
        last = failureVerdict(err, hop.name);
        // a host that cannot be reached or will not talk: the next MX may
        if (last.phase === 'connect' || last.phase === 'greeting' || last.phase === 'ehlo' || last.phase === 'starttls') continue;
        break;
      }
      // the wait for a connection can be long (the pool's limit per host): a stop during it sends nothing
      if (signal?.aborted) {
        this.pool.release(session, session.usable);
        return [];
      }
      let replies = await session.transaction(unit.from, unit.jobs.map((j) => j.recipient), unit.raw, unit.dsn);
      if (session.transactions > 1 && staleConnection(replies)) {
        // the server closed the pooled connection while it sat idle: try once on a fresh one
        this.pool.release(session, false);
        try {
          session = await this.pool.acquire(hop.target, poolLimits);
        } catch (err) {
          last = failureVerdict(err, hop.name);
          continue;
        }
        replies = await session.transaction(unit.from, unit.jobs.map((j) => j.recipient), unit.raw, unit.dsn);
      }
      const clean = replies.failure === null && isPositive(replies.message) && [...replies.rcpt.values()].every(isPositive);
      // a refusal leaves the connection fit for the next transaction once RSET clears it
      const reusable = session.usable && (clean || (await session.reset()));
      this.pool.release(session, reusable);
      return finish((job) => verdictFor(job.recipient, replies, hop.name));
    }
    return finish(() => last);
  }

  /** The hosts to try for a domain, or the verdict that no host can be tried. */
  private async hops(domain: string): Promise<Hop[] | Verdict> {
    const mode = this.options.mode;
    if (mode.kind === 'relay') {
      const r = mode.relay;
      return [{
        name: r.host,
        target: {
          host: r.host, port: r.port, servername: r.host, secure: r.secure, starttls: r.starttls,
          verifyCertificate: r.verifyCertificate, auth: r.auth, ehloName: r.ehloName ?? this.ehloName,
          ...(mode.ca ? { ca: mode.ca } : {}),
        },
      }];
    }
    const route = await this.route(domain);
    if (route.kind === 'null-mx') {
      // RFC 7505 section 3: no attempt at all; the reply is the one the RFC suggests for this case
      return { phase: 'connect', reply: `556 5.1.10 ${domain} does not accept mail (null MX, RFC 7505)`, networkError: null, destination: null };
    }
    if (route.kind === 'unroutable' && route.permanent) {
      // what Postfix reports for a domain DNS says does not exist: a bounce, not a retry
      return { phase: 'connect', reply: `550 5.1.2 ${domain}: Host or domain name not found (${route.detail})`, networkError: null, destination: null };
    }
    if (route.kind === 'unroutable') {
      return { phase: 'connect', reply: null, networkError: { code: route.code, message: route.detail }, destination: null };
    }
    return route.hosts.map((h) => ({
      name: h.name,
      target: {
        host: h.address, port: mode.port ?? 25, servername: h.name, secure: false, starttls: mode.starttls ?? 'may',
        verifyCertificate: mode.verifyCertificate ?? false, auth: null, ehloName: this.ehloName,
      },
    }));
  }

  private route(domain: string): Promise<Route> {
    const ttl = this.options.dnsCacheMs ?? 60_000;
    const cached = this.routes.get(domain);
    const now = Date.now();
    if (cached && now - cached.at < ttl) return cached.route;
    const route = resolveRoute(domain, this.resolver!, {
      maxAddresses: this.options.maxAddresses ?? 5,
      ...(this.options.random ? { random: this.options.random } : {}),
    });
    this.routes.set(domain, { at: now, route });
    // a failed lookup is not kept: the next attempt asks again
    void route.then((r) => {
      if (r.kind === 'unroutable' && !r.permanent) this.routes.delete(domain);
    });
    return route;
  }

  private outcome(job: DeliveryJob, v: Verdict, started: number): AttemptOutcome {
    const phase = v.phase ?? undefined;
    const opts = phase ? { phase } : {};
    let classification = v.reply !== null
      ? this.options.classify(v.reply, opts)
      : this.options.classify(new NetworkError(v.networkError?.message ?? 'no reply', v.networkError?.code ?? 'ECONNRESET'), opts);
    // Through a relay, a refusal before MAIL FROM (greeting, EHLO, STARTTLS, AUTH) is about our
    // own account at the relay, not the recipient: a wrong password or a relay without TLS must
    // not fail every queued message for good. It waits and is retried, as a relay that is down.
    if (this.options.mode.kind === 'relay' && phase !== undefined && SESSION_PHASES.has(phase) && classification.class === 'permanent') {
      classification = { ...classification, class: 'transient', type: 'soft', hardbounce: false, retryable: true, action: 'retry', rule: `relay/session-refused+${classification.rule}` };
    }
    return {
      deliveryId: job.deliveryId,
      attemptId: job.attemptId,
      at: this.options.clock.now(),
      destination: v.destination,
      phase: v.phase,
      response: v.reply ?? `${v.networkError?.code ?? 'ECONNRESET'}: ${v.networkError?.message ?? 'no reply'}`,
      classification,
      durationMs: Math.round(performance.now() - started),
    };
  }
}

const SESSION_PHASES: ReadonlySet<string> = new Set(['connect', 'greeting', 'ehlo', 'starttls', 'auth']);

/** A reused connection that died before answering anything of this transaction. */
function staleConnection(r: TransactionReplies): boolean {
  return r.failure !== null && r.failure.reply === null && r.mail === null && r.rcpt.size === 0;
}

function failureVerdict(err: unknown, destination: string): Verdict {
  if (err instanceof SessionFailure) {
    return {
      phase: err.phase,
      reply: err.reply?.replace(/\r\n/g, '\n') ?? null,
      networkError: err.reply ? null : { code: err.networkError ?? 'ECONNRESET', message: err.message },
      destination,
    };
  }
  return { phase: 'connect', reply: null, networkError: { code: 'ECONNRESET', message: (err as Error)?.message ?? String(err) }, destination };
}

/** One recipient's result from the replies of the transaction that carried it. */
function verdictFor(recipient: string, r: TransactionReplies, destination: string): Verdict {
  const reply = (phase: SmtpPhase, text: string): Verdict => ({ phase, reply: text.replace(/\r\n/g, '\n'), networkError: null, destination });
  if (r.mail !== null && !isPositive(r.mail)) return reply('mail', r.mail);
  const rcpt = r.rcpt.get(recipient);
  if (rcpt !== undefined && !isPositive(rcpt)) return reply('rcpt', rcpt);
  if (rcpt !== undefined) {
    if (r.data !== null && !/^[23]/.test(r.data)) return reply('data', r.data);
    if (r.message !== null) return reply('message', r.message);
  }
  if (r.failure) return failureVerdict(r.failure, destination);
  return { phase: null, reply: null, networkError: { code: 'ECONNRESET', message: 'the server gave no reply for this recipient' }, destination };
}
