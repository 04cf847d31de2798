import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/** The cookie the dashboard's login sets; the API accepts it like a bearer token. */
export const TOKEN_COOKIE = 'rebound_token';

/**
 * The token a request carries: `Authorization: Bearer …` first (API clients), else the
 * dashboard's HttpOnly cookie. Parsed by hand so the server's auth hook can use it whether or
 * not @fastify/cookie is registered.
 */
export function requestToken(request: Pick<FastifyRequest, 'headers'>): string | null {
  const auth = request.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(\S{1,512})\s*$/i.exec(auth);
    if (m) return m[1]!;
  }
  return cookieValue(request.headers.cookie, TOKEN_COOKIE);
}

export function cookieValue(header: string | undefined, name: string): string | null {
  if (typeof header !== 'string' || header.length > 16_384) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      const value = decodeURIComponent(raw);
      return value.length > 0 && value.length <= 512 ? value : null;
    } catch {
      return null;
    }
  }
  return null;
}

/** Constant-time comparison against every configured token (a token's length is not secret). */
export function tokenAccepted(tokens: readonly string[], candidate: string | null): boolean {
  if (!candidate) return false;
  const c = Buffer.from(candidate);
  let ok = false;
  for (const t of tokens) {
    const b = Buffer.from(t);
    if (b.length === c.length && timingSafeEqual(b, c)) ok = true;
  }
  return ok;
}
