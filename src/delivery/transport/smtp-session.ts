import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { SmtpPhase } from '../../smtp/types.ts';

/**
 * One SMTP client connection (nodemailer's SMTPConnection) as promises, with a transcript that
 * knows which command every reply answered, even with PIPELINING: nodemailer's errors say
 * "DATA" for both the DATA command and the reply after the dot, and lose the per-recipient
 * RCPT replies when DATA fails. The transcript comes from nodemailer's own transaction log.
 */
export interface SessionTarget {
  /** Address or name to connect to. */
  host: string;
  port: number;
  /** Name for TLS SNI and certificate checks (the MX or relay host name). */
  servername?: string;
  /** TLS from the first byte. */
  secure: boolean;
  starttls: 'require' | 'may' | 'never';
  verifyCertificate: boolean;
  /** Extra CA certificates to trust (a private relay's). */
  ca?: string | Buffer;
  auth: { user: string; pass: string } | null;
  ehloName: string;
}

export interface SessionTimeouts {
  /** TCP connect (and implicit TLS handshake). */
  connectMs: number;
  /** From connected to the greeting, and the whole session setup. */
  greetingMs: number;
  /** Silence on an open connection: a stalled server. */
  idleMs: number;
}

/** A failure that ended the session or the transaction, with the step it happened at. */
export class SessionFailure extends Error {
  override name = 'SessionFailure';
  constructor(
    readonly phase: SmtpPhase,
    /** The server's reply (all lines), or null for network errors and timeouts. */
    readonly reply: string | null,
    /** A network error code for failures without a reply: ECONNREFUSED, ETIMEDOUT, ECONNRESET, ETLS… */
    readonly networkError: string | null,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * The DSN parameters of a transaction (RFC 3461). RET=HDRS asks for the headers alone back (they
 * carry X-Rebound-ID; the body is the sender's, and a bounce needs none of it); ENVID comes back
 * as the report's Original-Envelope-Id and ORCPT as each recipient's Original-Recipient, which tie
 * a bounce to its delivery when no header is returned and name the address before a forward.
 */
export interface DsnRequest {
  ret: 'HDRS' | 'FULL';
  envid?: string;
  /** One original recipient for every RCPT of the transaction (nodemailer sends one value). */
  orcpt?: string;
}

/** What one transaction produced, reply by reply. */
export interface TransactionReplies {
  /** Reply to MAIL FROM, when one came. */
  mail: string | null;
  /** Reply to each RCPT TO, by recipient (as given). */
  rcpt: Map<string, string>;
  /** Reply to the DATA command. */
  data: string | null;
  /** Reply after the final dot. */
  message: string | null;
  /** What cut the transaction short, if anything (a rejected RCPT alone is not a failure). */
  failure: SessionFailure | null;
}

type Pending = { phase: SmtpPhase; recipient?: string };
type NodemailerError = Error & { code?: string; originalCode?: string; response?: string; timeoutType?: string; command?: string };

const VERB_PHASE: Record<string, SmtpPhase> = {
  EHLO: 'ehlo', HELO: 'ehlo', LHLO: 'ehlo', STARTTLS: 'starttls', AUTH: 'auth',
  MAIL: 'mail', RCPT: 'rcpt', DATA: 'data', QUIT: 'quit', RSET: 'mail',
};
const CONNECT_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ENOTFOUND', 'EAI_AGAIN', 'EDNS']);
/** Node's certificate and handshake error codes (DEPTH_ZERO_SELF_SIGNED_CERT, ERR_TLS_CERT_ALTNAME_INVALID, ERR_SSL_…). */
const TLS_CODE = /CERT|SSL|TLS|SIGNATURE|ISSUER/;
const TIMEOUT_PHASE: Record<string, SmtpPhase> = { CONNECT_TIMEOUT: 'connect', GREETING_TIMEOUT: 'greeting', UPGRADE_TIMEOUT: 'starttls' };

export class SmtpSession {
  /** Transactions sent on this connection. */
  transactions = 0;
  private readonly conn: SMTPConnection;
  private pending: Pending[] = [{ phase: 'greeting' }];
  private lastAnswered: SmtpPhase | null = null;
  private current: TransactionReplies | null = null;
  private broken: SessionFailure | null = null;
  private closed = false;

  private constructor(readonly target: SessionTarget, timeouts: SessionTimeouts) {
    const tls = {
      rejectUnauthorized: target.verifyCertificate,
      ...(target.servername ? { servername: target.servername } : {}),
      ...(target.ca ? { ca: target.ca } : {}),
    };
    this.conn = new SMTPConnection({
      host: target.host,
      port: target.port,
      secure: target.secure,
      ignoreTLS: target.starttls === 'never',
      requireTLS: target.starttls === 'require',
      opportunisticTLS: target.starttls === 'may',
      name: target.ehloName,
      connectionTimeout: timeouts.connectMs,
      greetingTimeout: timeouts.greetingMs,
      socketTimeout: timeouts.idleMs,
      socketCloseTimeout: 0,
      allowInternalNetworkInterfaces: true,
      tls,
      transactionLog: true,
      logger: this.transcriptLogger(),
    });
    // nodemailer reports session errors as events too; the promise paths below carry them
    this.conn.on('error', (err: NodemailerError) => {
      this.broken ??= this.failureOf(err);
    });
    this.conn.on('end', () => {
      this.closed = true;
    });
  }

  /** Connects, reads the greeting, says EHLO, upgrades with STARTTLS and logs in as the target says. */
  static open(target: SessionTarget, timeouts: SessionTimeouts): Promise<SmtpSession> {
    const session = new SmtpSession(target, timeouts);
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (err: NodemailerError | SessionFailure) => {
        if (settled) return;
        settled = true;
        session.close();
        reject(err instanceof SessionFailure ? err : session.failureOf(err));
      };
      session.conn.once('error', fail);
      session.conn.once('end', () => fail(session.broken ?? new SessionFailure(session.pending[0]?.phase ?? 'greeting', null, 'ECONNRESET', 'connection closed during session setup')));
      session.conn.connect((err?: NodemailerError) => {
        if (err) return fail(err);
        const done = () => {
          if (settled) return;
          settled = true;
          session.conn.off('error', fail);
          resolve(session);
        };
        if (!target.auth) return done();
        session.conn.login({ user: target.auth.user, pass: target.auth.pass }, (loginErr) => (loginErr ? fail(loginErr as NodemailerError) : done()));
      });
    });
  }

  /** Still connected, with nothing broken: fit to carry another transaction. */
  get usable(): boolean {
    return !this.closed && !this.broken && !this.conn.destroyed;
  }

  /** One mail transaction; never rejects: every reply and failure is in the result. */
  transaction(from: string, to: string[], raw: Buffer, dsn: DsnRequest | null = null): Promise<TransactionReplies> {
    const replies: TransactionReplies = { mail: null, rcpt: new Map(), data: null, message: null, failure: null };
    this.current = replies;
    this.transactions++;
    return new Promise((resolve) => {
      const finish = (err: NodemailerError | null) => {
        if (err && !replies.failure && !this.onlyRecipientsRefused(replies, to)) replies.failure = this.failureOf(err);
        this.current = null;
        resolve(replies);
      };
      if (!this.usable) return finish(Object.assign(new Error('connection is closed'), { code: 'ECONNECTION' }));
      try {
        // nodemailer adds the DSN parameters only when the server announces DSN
        const envelope = dsn ? { from, to, size: raw.length, dsn: { ret: dsn.ret, envid: dsn.envid ?? null, recipient: dsn.orcpt } } : { from, to, size: raw.length };
        this.conn.send(envelope, raw, (err) => finish(err as NodemailerError | null));
      } catch (err) {
        finish(err as NodemailerError);
      }
    });
  }

  /** RSET after a failed transaction, so the connection can carry the next one. */
  reset(): Promise<boolean> {
    if (!this.usable) return Promise.resolve(false);
    return new Promise((resolve) => {
      let settled = false;
      // nodemailer never calls back a RSET whose connection closes first
      const settle = (ok: boolean) => {
        if (settled) return;
        settled = true;
        this.conn.off('end', onEnd);
        resolve(ok);
      };
      const onEnd = () => settle(false);
      this.conn.once('end', onEnd);
      this.conn.reset((err) => settle(!err));
    });
  }

  /** Polite goodbye; the socket closes when the server answers or drops. */
  quit(): void {
    if (this.closed) return;
    try {
      this.conn.quit();
    } catch {
      this.close();
    }
  }

  close(): void {
    this.closed = true;
    try {
      this.conn.close();
    } catch {
      // already gone
    }
  }

  /** When every recipient was refused, nodemailer fails the send; that is per-recipient news, not a failure. */
  private onlyRecipientsRefused(replies: TransactionReplies, to: string[]): boolean {
    return replies.rcpt.size === to.length && [...replies.rcpt.values()].every((r) => !/^2/.test(r));
  }

  private transcriptLogger() {
    const ignore = () => {};
    return {
      trace: ignore, info: ignore, warn: ignore, error: ignore, fatal: ignore,
      debug: (entry: { tnx?: string }, message: unknown) => {
        if (typeof message !== 'string') return;
        if (entry.tnx === 'client') this.onCommand(message);
        else if (entry.tnx === 'server') this.onReply(message);
      },
    };
  }

  private onCommand(line: string): void {
    const verb = line.split(' ', 1)[0]!.toUpperCase();
    const phase = VERB_PHASE[verb];
    if (!phase) return;
    const recipient = phase === 'rcpt' ? /^RCPT TO:<([^>]*)>/i.exec(line)?.[1] : undefined;
    this.pending.push(recipient === undefined ? { phase } : { phase, recipient });
  }

  private onReply(reply: string): void {
    const answered = this.pending.shift();
    if (answered) this.lastAnswered = answered.phase;
    const r = this.current;
    if (!answered || !r) return;
    if (answered.phase === 'mail' && r.mail === null) r.mail = reply;
    else if (answered.phase === 'rcpt' && answered.recipient !== undefined) r.rcpt.set(answered.recipient, reply);
    else if (answered.phase === 'data') {
      r.data = reply;
      // after "354" the message goes out, and the next reply is the one after the dot
      if (/^3/.test(reply)) this.pending.unshift({ phase: 'message' });
    } else if (answered.phase === 'message') r.message = reply;
  }

  /** The step a nodemailer error happened at, and its reply or network error code. */
  private failureOf(err: NodemailerError): SessionFailure {
    if (err instanceof SessionFailure) return err;
    const reply = typeof err.response === 'string' && /^\d{3}/.test(err.response) ? err.response : null;
    const networkError = reply ? null : networkCode(err);
    let phase: SmtpPhase;
    if (reply) {
      // the reply was logged (and its step noted) before nodemailer turned it into an error
      phase = this.lastAnswered ?? commandPhase(err.command, err.code, 'greeting');
    } else if (err.timeoutType && TIMEOUT_PHASE[err.timeoutType]) {
      phase = TIMEOUT_PHASE[err.timeoutType]!;
    } else if (CONNECT_CODES.has(networkError!) || (networkError === 'ETLS' && this.target.secure && this.lastAnswered === null)) {
      phase = 'connect';
    } else if (err.command && err.command !== 'CONN' && err.command !== 'API') {
      phase = commandPhase(err.command, err.code, 'greeting');
    } else {
      // no reply: the step we were waiting on
      phase = this.pending[0]?.phase ?? this.lastAnswered ?? 'greeting';
    }
    const message = reply ?? `${networkError}: ${err.message}`;
    return new SessionFailure(phase, reply, networkError, message, { cause: err });
  }
}

function commandPhase(command: string | undefined, code: string | undefined, fallback: SmtpPhase): SmtpPhase {
  if (!command || command === 'CONN' || command === 'API') return fallback;
  if (command === 'DATA') return code === 'EMESSAGE' ? 'message' : 'data';
  if (command.startsWith('AUTH')) return 'auth';
  if (command === 'MAIL FROM') return 'mail';
  if (command === 'RCPT TO') return 'rcpt';
  return VERB_PHASE[command.split(' ', 1)[0]!.toUpperCase()] ?? fallback;
}

/** The system error code under nodemailer's wrapper (ECONNREFUSED rather than ESOCKET). */
function networkCode(err: NodemailerError): string {
  if (err.timeoutType || err.code === 'ETIMEDOUT') return 'ETIMEDOUT';
  // the certificate or handshake detail stays in the message; the code says "TLS"
  if (err.code === 'ETLS' || TLS_CODE.test(err.originalCode ?? '')) return 'ETLS';
  if (err.originalCode) return err.originalCode;
  if (err.code === 'ECONNECTION') return 'ECONNRESET';
  return err.code ?? 'ECONNRESET';
}
