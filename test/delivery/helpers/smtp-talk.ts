import net from 'node:net';

/**
 * A bare SMTP client for testing the receiver without the transport: one command at a time,
 * each reply read whole (multi-line included). `closed` tells when the server hung up.
 */
export class SmtpTalk {
  private buffer = '';
  private waiters: Array<() => void> = [];
  closed = false;
  closeError: string | null = null;

  private constructor(private readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      this.buffer += d;
      this.wake();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.closeError = err.code ?? err.message;
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static async open(port: number, host = '127.0.0.1'): Promise<SmtpTalk> {
    const socket = net.connect(port, host);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new SmtpTalk(socket);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** The next whole reply, or null when the connection closed first or `timeoutMs` passed (real ms). */
  async reply(timeoutMs = 2000): Promise<string | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = /^(?:\d{3}-[^\n]*\n)*\d{3}(?: [^\n]*)?\r?\n/.exec(this.buffer);
      if (m) {
        this.buffer = this.buffer.slice(m[0].length);
        return m[0].trimEnd();
      }
      if (this.closed) return null;
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async send(line: string, timeoutMs?: number): Promise<string | null> {
    if (!this.closed) this.socket.write(line + '\r\n');
    return this.reply(timeoutMs);
  }

  /** Sends a message body after a 354 and returns the reply after the dot. */
  async message(body: string, timeoutMs?: number): Promise<string | null> {
    const dotted = body.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    this.socket.write(dotted + '\r\n.\r\n');
    return this.reply(timeoutMs);
  }

  close(): void {
    this.socket.destroy();
  }
}
