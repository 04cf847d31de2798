import { createHash, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { PostgresStore } from '../store/postgres/postgres-store.ts';

/** A token as listed: never the token itself, only its id, label and when it was made. */
export type TokenScope = 'full' | 'read';

export interface TokenInfo {
  id: string;
  label: string;
  /** `read` tokens may only GET; anything that writes answers 403. */
  scope: TokenScope;
  createdAt: number;
}

/** Tokens are kept as SHA-256 digests: a leaked database does not leak a usable token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** 32 random bytes, base64url, with a prefix that says what it is (and that scanners can spot). */
export function newToken(): string {
  return `rbd_${randomBytes(32).toString('base64url')}`;
}

function newInfo(label: string, scope: TokenScope, now: number): TokenInfo {
  return { id: `tok_${randomBytes(6).toString('hex')}`, label, scope, createdAt: now };
}

/** API tokens kept in the store's database (`api_tokens`), as digests. */
export interface TokenStore {
  /** Stores a new token and returns it: the only time it is ever shown. */
  create(label: string, scope?: TokenScope, now?: number): Promise<{ token: string; info: TokenInfo }>;
  list(): Promise<TokenInfo[]>;
  revoke(id: string): Promise<boolean>;
  count(): Promise<number>;
  /** The scope of a stored token, or null; synchronous, as every request asks (lookup by digest). */
  scopeOf(token: string): TokenScope | null;
  /** Stops any background refresh. */
  close(): void;
}

/** `api_tokens` in the SQLite store (its migration 0005): every call reads the file. */
export class SqliteTokenStore implements TokenStore {
  constructor(private readonly db: Database.Database) {}

  async create(label: string, scope: TokenScope = 'full', now = Date.now()): Promise<{ token: string; info: TokenInfo }> {
    const token = newToken();
    const info = newInfo(label, scope, now);
    this.db.prepare('INSERT INTO api_tokens (id, label, scope, token_hash, created_at) VALUES (?, ?, ?, ?, ?)').run(info.id, label, scope, hashToken(token), now);
    return { token, info };
  }

  async list(): Promise<TokenInfo[]> {
    return this.db.prepare('SELECT id, label, scope, created_at AS createdAt FROM api_tokens ORDER BY created_at, id').all() as TokenInfo[];
  }

  async revoke(id: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM api_tokens WHERE id = ?').run(id).changes > 0;
  }

  async count(): Promise<number> {
    return (this.db.prepare('SELECT count(*) AS n FROM api_tokens').get() as { n: number }).n;
  }

  scopeOf(token: string): TokenScope | null {
    const row = this.db.prepare('SELECT scope FROM api_tokens WHERE token_hash = ?').get(hashToken(token)) as { scope: TokenScope } | undefined;
    return row?.scope ?? null;
  }

  close(): void {}
}

/**
 * `api_tokens` in PostgreSQL (its migration 0005). Requests are checked against the digests held
 * in memory, so auth costs no round trip; `load` reads them, `start` re-reads them every
 * `refreshMs` of wall time, so a token made or revoked on another node takes effect here within
 * that time (at once for changes made through this object).
 */
export class PostgresTokenStore implements TokenStore {
  private scopes = new Map<string, TokenScope>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly store: PostgresStore, private readonly refreshMs = 5_000) {}

  async load(): Promise<void> {
    await this.store.whenReady();
    const { rows } = await this.store.pool.query('SELECT token_hash, scope FROM api_tokens');
    this.scopes = new Map(rows.map((r: { token_hash: string; scope: TokenScope }) => [r.token_hash, r.scope]));
  }

  /** Keeps the digests current (the first read is `load`'s); a failed re-read keeps the last ones. */
  start(onError: (err: Error) => void = () => {}): void {
    this.timer ??= setInterval(() => this.load().catch((err: unknown) => onError(err as Error)), this.refreshMs);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async create(label: string, scope: TokenScope = 'full', now = Date.now()): Promise<{ token: string; info: TokenInfo }> {
    await this.store.whenReady();
    const token = newToken();
    const info = newInfo(label, scope, now);
    const digest = hashToken(token);
    await this.store.pool.query('INSERT INTO api_tokens (id, label, scope, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)', [info.id, label, scope, digest, now]);
    this.scopes.set(digest, scope);
    return { token, info };
  }

  async list(): Promise<TokenInfo[]> {
    await this.store.whenReady();
    const { rows } = await this.store.pool.query('SELECT id, label, scope, created_at FROM api_tokens ORDER BY created_at, id');
    return rows.map((r: Record<string, unknown>) => ({ id: String(r.id), label: String(r.label), scope: r.scope as TokenScope, createdAt: Number(r.created_at) }));
  }

  async revoke(id: string): Promise<boolean> {
    await this.store.whenReady();
    const { rows } = await this.store.pool.query('DELETE FROM api_tokens WHERE id = $1 RETURNING token_hash', [id]);
    for (const r of rows as Array<{ token_hash: string }>) this.scopes.delete(r.token_hash);
    return rows.length > 0;
  }

  async count(): Promise<number> {
    await this.store.whenReady();
    const { rows } = await this.store.pool.query('SELECT count(*) AS n FROM api_tokens');
    return Number(rows[0]?.n ?? 0);
  }

  scopeOf(token: string): TokenScope | null {
    return this.scopes.get(hashToken(token)) ?? null;
  }
}
