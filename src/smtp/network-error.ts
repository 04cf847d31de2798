import type { SmtpPhase } from './types.ts';

/**
 * Failures that never produced an SMTP reply, as Node and nodemailer report them. Each becomes a
 * transient outcome (retry later): a refused or timed-out connection says nothing about the
 * address. `kind` only labels the failure for people; the code itself is kept in `networkError`.
 */
export const NETWORK_ERROR_CODES: Readonly<Record<string, 'connect' | 'dns' | 'socket' | 'timeout' | 'tls'>> = {
  ECONNREFUSED: 'connect',
  EHOSTUNREACH: 'connect',
  ENETUNREACH: 'connect',
  EADDRNOTAVAIL: 'connect',
  ECONNECTION: 'connect', // nodemailer: could not open the connection
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  ENODATA: 'dns',
  ESERVFAIL: 'dns',
  EDNS: 'dns', // nodemailer: MX or A lookup failed
  ETIMEDOUT: 'timeout',
  ESOCKETTIMEDOUT: 'timeout',
  ETIMEOUT: 'timeout',
  ECONNRESET: 'socket',
  EPIPE: 'socket',
  ECONNABORTED: 'socket',
  ESOCKET: 'socket', // nodemailer: the socket failed mid-conversation
  EPROTO: 'tls',
  ETLS: 'tls', // nodemailer: STARTTLS or TLS handshake failed
  CERT_HAS_EXPIRED: 'tls',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'tls',
  SELF_SIGNED_CERT_IN_CHAIN: 'tls',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'tls',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'tls',
  ERR_TLS_CERT_ALTNAME_INVALID: 'tls',
  ERR_SSL_WRONG_VERSION_NUMBER: 'tls',
};

/** Codes Node builds from OpenSSL's names: any of these prefixes is a TLS failure too. */
const TLS_PREFIXES = ['ERR_TLS_', 'ERR_SSL_', 'CERT_', 'UNABLE_TO_'];

/** nodemailer's `command` on an SMTP error → the phase of the conversation it answered. */
const COMMAND_PHASES: ReadonlyArray<[RegExp, SmtpPhase]> = [
  [/^CONN/i, 'connect'],
  [/^(EHLO|HELO|LHLO)/i, 'ehlo'],
  [/^STARTTLS/i, 'starttls'],
  [/^AUTH/i, 'auth'],
  [/^MAIL/i, 'mail'],
  [/^RCPT/i, 'rcpt'],
  [/^DATA/i, 'data'],
  [/^(MESSAGE|DOT|BDAT|\.)/i, 'message'],
  [/^QUIT/i, 'quit'],
];

export function phaseOfCommand(command: unknown): SmtpPhase | null {
  if (typeof command !== 'string') return null;
  for (const [re, phase] of COMMAND_PHASES) if (re.test(command)) return phase;
  return null;
}

export function isNetworkCode(code: string): boolean {
  return code in NETWORK_ERROR_CODES || TLS_PREFIXES.some((p) => code.startsWith(p));
}

interface ErrorFacts {
  /** The SMTP reply the error carries (nodemailer's `response`), if any. */
  response: string | null;
  /** The error code worth keeping (ECONNREFUSED…), or null. */
  code: string | null;
  phase: SmtpPhase | null;
  message: string;
}

/** Reads what an Error knows, following `cause` a few levels (errors wrapped at boundaries). */
export function errorFacts(err: Error): ErrorFacts {
  let response: string | null = null;
  let code: string | null = null;
  let phase: SmtpPhase | null = null;
  const message = typeof err.message === 'string' ? err.message : String(err);
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const e = current as { response?: unknown; code?: unknown; command?: unknown; cause?: unknown };
    if (response === null && typeof e.response === 'string' && e.response.length > 0) response = e.response;
    if (phase === null) phase = phaseOfCommand(e.command);
    // the deepest network code is the most specific (ESOCKET wraps ECONNRESET)
    if (typeof e.code === 'string' && (code === null || isNetworkCode(e.code))) code = e.code;
    current = e.cause;
  }
  return { response, code, phase, message };
}
