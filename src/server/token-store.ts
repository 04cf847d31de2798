import { createHash, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';

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

/** API tokens in the `api_tokens` table of the SQLite store (its migration 0005 makes it). */
export class TokenStore {
  constructor(private readonly db: Database.Database) {}

  /** Stores a new token and returns it: the only time it is ever shown. */
  create(label: string, scope: TokenScope = 'full', now = Date.now()): { token: string; info: TokenInfo } {
    const token = newToken();
    const info: TokenInfo = { id: `tok_${randomBytes(6).toString('hex')}`, label, scope, createdAt: now };
    this.db.prepare('INSERT INTO api_tokens (id, label, scope, token_hash, created_at) VALUES (?, ?, ?, ?, ?)').run(info.id, label, scope, hashToken(token), now);
    return { token, info };
  }

  list(): TokenInfo[] {
    return (this.db.prepare('SELECT id, label, scope, created_at AS createdAt FROM api_tokens ORDER BY created_at, id').all() as TokenInfo[]);
  }

  revoke(id: string): boolean {
    return this.db.prepare('DELETE FROM api_tokens WHERE id = ?').run(id).changes > 0;
  }

  /** The scope of a stored token, or null (the lookup is by digest, so no timing leak on the token). */
  scopeOf(token: string): TokenScope | null {
    const row = this.db.prepare('SELECT scope FROM api_tokens WHERE token_hash = ?').get(hashToken(token)) as { scope: TokenScope } | undefined;
    return row?.scope ?? null;
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM api_tokens').get() as { n: number }).n;
  }
}
