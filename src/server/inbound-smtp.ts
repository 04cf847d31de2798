import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import type { Logger } from 'pino';
import { bounceToEvents, parseBounce, type ClassifyFn } from '../dsn/index.ts';
import type { Clock } from '../engine/clock.ts';
import type { BounceWriter } from './bounce-writer.ts';
import type { QuarantineStore } from './quarantine.ts';

export interface InboundOptions {
  host: string;
  port: number;
  /** Only mail to this domain (and its subdomains) is accepted: no open relay. */
  returnPathDomain: string;
  maxBytes: number;
  /** Messages per client IP per minute (wall time). */
  ratePerMinute: number;
  bounces: BounceWriter;
  quarantine: QuarantineStore;
  clock: Clock;
  logger: Logger;
  /** The server's classifier (the shipped rules and the user's), for every bounced recipient. */
  classify?: ClassifyFn;
  /** Starts a wall-time timer and returns its cancel; tests pass one they fire themselves. */
  startTimer?: (ms: number, onExpire: () => void) => () => void;
}

const MAX_CLIENTS = 200;
/** Connections at once from one client address (Postfix allows 50 of its 100): one address cannot take every slot. */
export const MAX_CLIENTS_PER_ADDRESS = 20;
/**
 * smtp-server's idle timeout measures silence, so a client sending a NOOP or a byte every few
 * seconds would hold a connection slot for ever. Two deadlines of wall time bound every
 * connection instead:
 * - a MAIL FROM must come within 2 minutes of the greeting or of the end of the previous
 *   message (RFC 5321 4.5.3.2 gives a server 5 minutes for each command; a real MTA sends the
 *   next one at once);
 * - from MAIL FROM, the whole transaction (RCPT, DATA, the message) must end within 10 minutes
 *   (3 minutes per data block and 10 for the end of data in 4.5.3.2: generous for a message
 *   capped at a few megabytes).
 */
export const IDLE_DEADLINE_MS = 2 * 60_000;
export const TRANSACTION_DEADLINE_MS = 10 * 60_000;

const wallTimer = (ms: number, onExpire: () => void) => {
  const timer = setTimeout(onExpire, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

/** Per-client counters over a sliding minute of wall time. */
class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  constructor(private readonly perMinute: number) {}
  allow(key: string, now = Date.now()): boolean {
    const recent = (this.hits.get(key) ?? []).filter((t) => now - t < 60_000);
    if (recent.length >= this.perMinute) {
      this.hits.set(key, recent);
      return false;
    }
    recent.push(now);
    this.hits.set(key, recent);
    if (this.hits.size > 10_000) for (const [k, v] of this.hits) if (v.every((t) => now - t >= 60_000)) this.hits.delete(k);
    return true;
  }
}

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/**
 * The inbound SMTP listener for bounce emails: accepts mail only for the return-path domain,
 * caps size and per-client rate, parses each message and applies its bounce events before
 * answering 250 (so an accepted bounce is committed). A message that is not a readable bounce is
 * kept in quarantine for inspection, and still accepted: the sender's MTA must not retry it.
 */
export async function startInboundSmtp(options: InboundOptions): Promise<{ port: number; close: () => Promise<void> }> {
  const limiter = new RateLimiter(options.ratePerMinute);
  const startTimer = options.startTimer ?? wallTimer;
  const domain = options.returnPathDomain.toLowerCase();
  const perAddress = new Map<string, number>();
  const deadlines = new Map<string, () => void>();
  // sessions inside a message transaction: its deadline runs from the first MAIL FROM and is not
  // renewed by another one (MAIL FROM, RSET, MAIL FROM… would otherwise hold a slot for ever)
  const inTransaction = new Set<string>();
  /** (Re)arms the one deadline a session has; when it passes, the client is told and disconnected. */
  const arm = (session: SMTPServerSession, ms: number, event: string, why: string): void => {
    deadlines.get(session.id)?.();
    deadlines.set(session.id, startTimer(ms, () => {
      deadlines.delete(session.id);
      const connection = [...server.connections].find((c) => c.session === session);
      options.logger.warn({ event, client: session.remoteAddress }, `${why}, connection closed`);
      connection?.send(421, `4.4.2 ${options.returnPathDomain} ${why}, closing connection`);
      connection?.close();
    }));
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: options.maxBytes,
    banner: 'Rebound bounce receiver',
    logger: false,
    // connections at once, from everyone: a flood of idle ones cannot exhaust the process
    maxClients: MAX_CLIENTS,
    onConnect(session: SMTPServerSession, callback: (err?: Error) => void) {
      const n = perAddress.get(session.remoteAddress) ?? 0;
      if (n >= MAX_CLIENTS_PER_ADDRESS) {
        options.logger.warn({ event: 'smtp.too_many_connections', client: session.remoteAddress }, 'client over its connection limit');
        return callback(smtpError(421, `4.7.0 Too many connections from your address (at most ${MAX_CLIENTS_PER_ADDRESS}), try again later`));
      }
      perAddress.set(session.remoteAddress, n + 1);
      // counted until onClose, which smtp-server calls for every connection onConnect accepted
      (session as SMTPServerSession & { counted?: boolean }).counted = true;
      arm(session, IDLE_DEADLINE_MS, 'smtp.idle_timeout', `no message begun within ${IDLE_DEADLINE_MS / 60_000} minutes`);
      callback();
    },
    onClose(session: SMTPServerSession) {
      deadlines.get(session.id)?.();
      deadlines.delete(session.id);
      inTransaction.delete(session.id);
      if (!(session as SMTPServerSession & { counted?: boolean }).counted) return;
      const n = (perAddress.get(session.remoteAddress) ?? 1) - 1;
      if (n > 0) perAddress.set(session.remoteAddress, n);
      else perAddress.delete(session.remoteAddress);
    },
    // the rate counts messages, at MAIL FROM: one connection sending many is counted for each
    onMailFrom(_address: SMTPServerAddress, session: SMTPServerSession, callback: (err?: Error) => void) {
      if (!limiter.allow(session.remoteAddress)) {
        options.logger.warn({ event: 'smtp.rate_limited', client: session.remoteAddress }, 'client over its rate');
        return callback(smtpError(421, '4.7.0 Too many messages from your address, try again later'));
      }
      if (!inTransaction.has(session.id)) {
        inTransaction.add(session.id);
        arm(session, TRANSACTION_DEADLINE_MS, 'smtp.data_timeout', `message not received within ${TRANSACTION_DEADLINE_MS / 60_000} minutes of MAIL FROM`);
      }
      callback();
    },
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, callback: (err?: Error) => void) {
      const rcpt = address.address.toLowerCase();
      const at = rcpt.lastIndexOf('@');
      const rcptDomain = at >= 0 ? rcpt.slice(at + 1) : '';
      if (rcptDomain !== domain && !rcptDomain.endsWith(`.${domain}`)) return callback(smtpError(550, '5.7.1 Relaying denied: this server only takes bounces'));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let received = 0;
      // past the limit the message is refused at its end; keeping what follows would let a
      // client that ignores SIZE fill the memory first
      stream.on('data', (c: Buffer) => {
        received += c.length;
        if (received <= options.maxBytes) chunks.push(c);
      });
      // a client that goes away mid-message destroys the stream with an error; nothing was accepted
      stream.on('error', () => {});
      // the message is in (whatever the answer): the next one must begin within the idle deadline
      const done = (err?: Error) => {
        inTransaction.delete(session.id);
        arm(session, IDLE_DEADLINE_MS, 'smtp.idle_timeout', `no message begun within ${IDLE_DEADLINE_MS / 60_000} minutes`);
        callback(err);
      };
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          return done(smtpError(552, `5.3.4 Message too big (limit ${options.maxBytes} bytes)`));
        }
        const raw = Buffer.concat(chunks);
        void handle(raw, session).then(() => done(), (err: Error) => {
          options.logger.error({ event: 'smtp.bounce_failed', err }, 'could not record a bounce');
          done(smtpError(451, '4.3.0 Could not record the bounce, try again later'));
        });
      });
    },
  });

  async function handle(raw: Buffer, session: SMTPServerSession): Promise<void> {
    const at = options.clock.now();
    const envelopeTo = session.envelope.rcptTo.map((r) => r.address);
    const parsed = parseBounce(raw, { ...(options.classify ? { classify: options.classify } : {}), envelopeTo });
    const events = parsed.error ? [] : bounceToEvents(parsed, { at, source: 'dsn' });
    const envelope = { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), client: session.remoteAddress };
    if (events.length === 0) {
      const id = await options.quarantine.keep(raw, parsed.error ?? `no bounced recipient (kind ${parsed.kind})`, envelope, at);
      options.logger.warn({ event: 'smtp.bounce_quarantined', quarantineId: id, why: parsed.error ?? parsed.kind }, 'unreadable bounce kept for inspection');
      return;
    }
    const results = await options.bounces.apply(events);
    options.logger.info({ event: 'smtp.bounce_recorded', mta: parsed.mta, recipients: events.length, applied: results.filter((r) => r.applied).length, deliveryIds: events.map((e) => e.deliveryId).filter(Boolean) }, 'bounce email recorded');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  server.on('error', (err) => options.logger.error({ event: 'smtp.error', err }, 'inbound SMTP error'));
  const port = (server.server.address() as { port: number }).port;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
