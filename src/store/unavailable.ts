/**
 * Errors that say the database cannot be reached or used just now (as opposed to a bug): the
 * connection refused or dropped, the server shutting down or refusing connections, the database
 * gone, a SQLite file locked past the busy timeout. Callers answer 503 with these words instead of
 * a bare "internal error", and a client retrying later is right to.
 */
const PG_CODES: Record<string, string> = {
  '57P01': 'the database server was shut down',
  '57P02': 'the database server crashed',
  '57P03': 'the database server is not accepting connections now',
  '3D000': 'the database does not exist',
  '53300': 'the database server has too many connections',
  '55000': 'the database is not accepting connections',
};
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

export function storeUnavailable(err: unknown): string | null {
  if (!err || typeof err !== 'object') return null;
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (PG_CODES[code]) return PG_CODES[code]!;
  if (code.startsWith('08')) return 'the connection to the database failed';
  if (NET_CODES.has(code)) return `the database cannot be reached (${code})`;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return 'the database file is locked by another process';
  if (/Connection terminated|connection timeout|timeout exceeded when trying to connect|not currently accepting connections/i.test(message)) return 'the connection to the database failed';
  return null;
}
