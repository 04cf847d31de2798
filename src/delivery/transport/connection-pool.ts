import { SmtpSession, type SessionTarget, type SessionTimeouts } from './smtp-session.ts';

/**
 * Open SMTP connections kept per destination host (address, port, TLS mode and login), so
 * messages to one host share connections: at most `maxConnections` at once, each carrying at
 * most `maxMessagesPerConnection` transactions, closed after `idleMs` without work.
 */
export interface PoolLimits {
  maxConnections: number;
  maxMessagesPerConnection: number;
  idleMs: number;
}

type Opener = (target: SessionTarget, timeouts: SessionTimeouts) => Promise<SmtpSession>;

interface Waiter {
  target: SessionTarget;
  resolve: (s: SmtpSession) => void;
  reject: (err: unknown) => void;
}

interface HostPool {
  /** Sessions checked out or being opened. */
  busy: number;
  idle: Array<{ session: SmtpSession; timer: NodeJS.Timeout }>;
  waiters: Waiter[];
  limits: PoolLimits;
  opened: number;
}

export function poolKey(t: SessionTarget): string {
  return `${t.host}|${t.port}|${t.secure ? 'tls' : t.starttls}|${t.servername ?? ''}|${t.auth?.user ?? ''}`;
}

export class ConnectionPool {
  private readonly hosts = new Map<string, HostPool>();
  private closed = false;

  constructor(private readonly timeouts: SessionTimeouts, private readonly open: Opener = SmtpSession.open) {}

  /** A session to the target: an idle one, a new one within the limit, or the next one released. */
  acquire(target: SessionTarget, limits: PoolLimits): Promise<SmtpSession> {
    if (this.closed) return Promise.reject(new Error('the connection pool is closed'));
    const key = poolKey(target);
    let pool = this.hosts.get(key);
    if (!pool) {
      pool = { busy: 0, idle: [], waiters: [], limits, opened: 0 };
      this.hosts.set(key, pool);
    }
    pool.limits = limits;
    while (pool.idle.length > 0) {
      const { session, timer } = pool.idle.pop()!;
      clearTimeout(timer);
      if (session.usable) {
        pool.busy++;
        return Promise.resolve(session);
      }
      session.close();
    }
    if (pool.busy < limits.maxConnections) return this.openFor(pool, target);
    return new Promise((resolve, reject) => pool.waiters.push({ target, resolve, reject }));
  }

  /** Gives a session back; `reuse` false (or the per-connection message limit) closes it. */
  release(session: SmtpSession, reuse: boolean): void {
    const pool = this.hosts.get(poolKey(session.target));
    if (!pool) return session.quit();
    pool.busy--;
    const fit = reuse && !this.closed && session.usable && session.transactions < pool.limits.maxMessagesPerConnection;
    if (!fit) session.quit();
    if (fit) {
      const waiter = pool.waiters.shift();
      if (waiter) {
        pool.busy++;
        waiter.resolve(session);
        return;
      }
      const timer = setTimeout(() => {
        pool.idle = pool.idle.filter((x) => x.session !== session);
        session.quit();
      }, pool.limits.idleMs);
      timer.unref();
      pool.idle.push({ session, timer });
      return;
    }
    this.wake(pool);
  }

  /** Connections open per host key, for tests and `rebound destinations`. */
  stats(): Array<{ key: string; busy: number; idle: number; waiting: number; opened: number }> {
    return [...this.hosts].map(([key, p]) => ({ key, busy: p.busy, idle: p.idle.length, waiting: p.waiters.length, opened: p.opened }));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pool of this.hosts.values()) {
      for (const { session, timer } of pool.idle) {
        clearTimeout(timer);
        session.quit();
      }
      pool.idle = [];
      for (const w of pool.waiters.splice(0)) w.reject(new Error('the connection pool is closed'));
    }
  }

  private openFor(pool: HostPool, target: SessionTarget): Promise<SmtpSession> {
    pool.busy++;
    pool.opened++;
    return this.open(target, this.timeouts).catch((err: unknown) => {
      pool.busy--;
      this.wake(pool);
      throw err;
    });
  }

  /** A slot came free: the first waiter opens its own connection. */
  private wake(pool: HostPool): void {
    while (pool.waiters.length > 0 && pool.busy < pool.limits.maxConnections) {
      const w = pool.waiters.shift()!;
      this.openFor(pool, w.target).then(w.resolve, w.reject);
    }
  }
}
