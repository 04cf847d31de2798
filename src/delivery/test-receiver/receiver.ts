import type net from 'node:net';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { SMTPConnection as ServerConnection } from 'smtp-server/lib/smtp-connection';
import { ACCEPT_ALL, behaviourAt, type Answer, type Behaviour, type ReceiverScript, type ScriptedReply } from './script.ts';
import { Seen } from './seen.ts';

/**
 * An SMTP receiver on a real socket that misbehaves on purpose, as its script says: deferrals
 * at any step, 421 at the greeting, greylisting, per-recipient answers, stalls, dropped
 * connections, all on a timeline read from an injected clock (a TestClock or a scaled clock).
 */
export interface TestReceiverOptions {
  script?: ReceiverScript;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Time as the receiver sees it (engine time in tests); defaults to wall time. */
  now?: () => number;
  /** Where the timeline starts; defaults to `now()` at start. */
  epoch?: number;
  /** Offer STARTTLS with this key and certificate (PEM). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Implicit TLS from the first byte (smtps); needs `tls`. */
  secure?: boolean;
  /** Require AUTH (PLAIN or LOGIN) with these credentials. */
  auth?: { user: string; pass: string };
  /** Name in the greeting and EHLO. */
  name?: string;
  /** Keep a log of every RCPT and message (tests); a benchmark sink keeps counts only. */
  keepLog?: boolean;
  /** Largest message accepted, in bytes. */
  maxMessageBytes?: number;
}

const HEADER_LIMIT = 64 * 1024;

export class TestReceiver {
  readonly seen: Seen;
  private script: ReceiverScript;
  private readonly now: () => number;
  private epoch = 0;
  private readonly server: SMTPServer;
  private readonly sockets = new Set<net.Socket>();
  private readonly greylist = new Map<string, number>();
  private address: AddressInfo | null = null;

  private constructor(private readonly options: TestReceiverOptions) {
    this.script = options.script ?? { name: 'accept', base: ACCEPT_ALL, timeline: [] };
    this.now = options.now ?? Date.now;
    this.seen = new Seen(options.keepLog ?? true);
    this.server = this.createServer();
  }

  /** Starts listening (127.0.0.1 and a free port unless told otherwise). */
  static async start(options: TestReceiverOptions = {}): Promise<TestReceiver> {
    const receiver = new TestReceiver(options);
    await receiver.listen();
    return receiver;
  }

  get host(): string {
    return this.address?.address ?? this.options.host ?? '127.0.0.1';
  }

  get port(): number {
    if (!this.address) throw new Error('the test receiver is not listening');
    return this.address.port;
  }

  /** Replaces the script from now on (the timeline's epoch stays). */
  setScript(script: ReceiverScript): void {
    this.script = script;
  }

  /** The behaviour in force at the receiver's current time. */
  behaviour(): Behaviour {
    return behaviourAt(this.script, this.now() - this.epoch);
  }

  /** Stops listening and drops every open connection, stalled ones included. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.server.once('error', onError);
      this.server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => {
        this.server.server.off('error', onError);
        resolve();
      });
    });
    this.address = this.server.server.address() as AddressInfo;
    this.epoch = this.options.epoch ?? this.now();
  }

  private createServer(): SMTPServer {
    const o = this.options;
    const receiver = this;
    const disabled = [...(o.tls && !o.secure ? [] : ['STARTTLS']), ...(o.auth ? [] : ['AUTH'])];
    const server = new SMTPServer({
      name: o.name ?? 'receiver.test',
      secure: !!o.secure,
      ...(o.tls ? { key: o.tls.key, cert: o.tls.cert } : {}),
      disabledCommands: disabled,
      authOptional: !o.auth,
      allowInsecureAuth: true,
      disableReverseLookup: true,
      // announce DSN (RFC 3461) as Postfix and Exim do, so senders' ENVID / ORCPT / RET can be seen
      hideDSN: false,
      logger: false,
      size: o.maxMessageBytes ?? 25 * 1024 * 1024,
      onConnect: (session, callback) => receiver.onConnect(session, callback),
      onAuth: (auth, _session, callback) => {
        const ok = !!o.auth && auth.username === o.auth.user && auth.password === o.auth.pass;
        callback(ok ? null : Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }), ok ? { user: auth.username } : undefined);
      },
      onData: (stream, session, callback) => receiver.onData(stream, session, callback),
    });
    // smtp-server has no hook for the EHLO and DATA replies, and its hooks send one-line
    // replies only: every command passes through here first, so the script decides each reply.
    const connect = server.connect.bind(server);
    server.connect = (socket, socketOptions) => {
      const before = new Set(server.connections);
      this.sockets.add(socket as net.Socket);
      socket.once('close', () => this.sockets.delete(socket as net.Socket));
      this.seen.connections++;
      connect(socket, socketOptions);
      for (const conn of server.connections) if (!before.has(conn)) this.intercept(conn, socket as net.Socket);
    };
    server.on('error', () => {
      // a client that goes away mid-conversation is part of the tests, not a receiver failure
    });
    return server;
  }

  private connectionOf(session: SMTPServerSession): ServerConnection | undefined {
    for (const conn of this.server.connections) if (conn.session === session || conn.id === session.id) return conn;
    return undefined;
  }

  private onConnect(session: SMTPServerSession, callback: (err?: Error | null) => void): void {
    const answer = this.behaviour().greeting;
    if (answer === 'accept') return callback();
    if (answer === 'stall') return;
    const conn = this.connectionOf(session);
    if (answer === 'drop') return void conn?._socket.resetAndDestroy();
    if (answer.code >= 200 && answer.code < 300) return callback();
    if (!conn) return callback(Object.assign(new Error(answer.lines.join(' ')), { responseCode: answer.code }));
    conn.send(answer.code, answer.lines.length > 1 ? answer.lines : answer.lines[0], false);
    conn.close();
  }

  private intercept(conn: ServerConnection, socket: net.Socket): void {
    const original = conn._onCommand.bind(conn);
    conn._onCommand = (command: Buffer, callback?: () => void) => {
      const next = callback ?? (() => {});
      if (conn._upgrading || conn._nextHandler) return original(command, callback);
      const line = command.toString('utf8');
      const verb = line.split(' ', 1)[0]!.toUpperCase();
      const answer = this.answerFor(verb, line, conn.session);
      if (answer === 'stall') return;
      if (answer === 'drop') return void socket.resetAndDestroy();
      // a scripted 2xx/3xx takes the normal path: the session must record the step as done
      if (answer === 'accept' || answer.code < 400) return original(command, callback);
      conn.send(answer.code, answer.lines.length > 1 ? answer.lines : answer.lines[0], false);
      setImmediate(next);
    };
  }

  /** Decides the reply to one command, and counts what the tests want counted. */
  private answerFor(verb: string, line: string, session: SMTPServerSession): Answer {
    const b = this.behaviour();
    switch (verb) {
      case 'EHLO':
      case 'HELO':
        this.seen.ehlo++;
        return b.ehlo;
      case 'MAIL':
        this.seen.mailFrom++;
        return b.mail;
      case 'RCPT': {
        const recipient = (/^RCPT\s+TO:\s*<([^>]*)>/i.exec(line)?.[1] ?? '').trim().toLowerCase();
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address.toLowerCase() : '';
        const answer = this.rcptAnswer(b, from, recipient);
        const code = answer === 'accept' ? 250 : typeof answer === 'string' ? null : answer.code;
        this.seen.recordRcpt({ at: this.now(), from, recipient, code });
        return answer;
      }
      case 'DATA':
        this.seen.dataCommands++;
        return b.data;
      default:
        return 'accept';
    }
  }

  private rcptAnswer(b: Behaviour, from: string, recipient: string): Answer {
    const own = b.recipients[recipient];
    if (own !== undefined) return own;
    if (b.rcpt !== 'accept') return b.rcpt;
    if (b.greylist) {
      const key = `${from}\u0000${recipient}`;
      const first = this.greylist.get(key);
      const now = this.now();
      if (first === undefined) {
        this.greylist.set(key, now);
        return b.greylist.reply;
      }
      if (now - first < b.greylist.retryAfterMs) return b.greylist.reply;
    }
    return 'accept';
  }

  private onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null, message?: string) => void): void {
    const chunks: Buffer[] = [];
    let kept = 0;
    let bytes = 0;
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (kept < HEADER_LIMIT) {
        chunks.push(chunk);
        kept += chunk.length;
      }
    });
    stream.on('end', () => {
      const answer = this.behaviour().message;
      if (answer === 'stall') {
        this.seen.refusedMessages++;
        return;
      }
      if (answer === 'drop') {
        this.seen.refusedMessages++;
        return void this.connectionOf(session)?._socket.resetAndDestroy();
      }
      if (answer !== 'accept' && answer.code >= 300) {
        this.seen.refusedMessages++;
        return callback(Object.assign(new Error(answer.lines.join(' ')), { responseCode: answer.code }));
      }
      const headers = headerBlock(Buffer.concat(chunks).toString('latin1'));
      const envelope = session.envelope;
      this.seen.recordMessage({
        at: this.now(),
        from: envelope.mailFrom ? envelope.mailFrom.address.toLowerCase() : '',
        recipients: envelope.rcptTo.map((r) => r.address.toLowerCase()),
        messageId: headerValues(headers, 'message-id')[0]?.replace(/^<|>$/g, '') ?? null,
        reboundIds: headerValues(headers, 'x-rebound-id'),
        dsn: {
          ret: envelope.dsn?.ret ?? null,
          envid: envelope.dsn?.envid ?? null,
          orcpt: envelope.rcptTo.map((r) => r.dsn?.orcpt ?? null),
        },
        bytes,
        headers,
      });
      const text = answer === 'accept' ? `2.0.0 Ok: queued as ${session.id}` : answer.lines.join(' ');
      callback(null, text);
    });
  }
}

function headerBlock(text: string): string {
  const end = text.search(/\r?\n\r?\n/);
  return end === -1 ? text : text.slice(0, end);
}

/** Values of one header (unfolded), in order. */
export function headerValues(headers: string, name: string): string[] {
  const unfolded = headers.replace(/\r?\n[ \t]+/g, ' ');
  const out: string[] = [];
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) out.push(line.slice(colon + 1).trim());
  }
  return out;
}

export type { ScriptedReply };
