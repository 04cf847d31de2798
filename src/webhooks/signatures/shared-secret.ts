import { constantTimeEqual, VERIFIED, refuse } from './verify-result.ts';
import type { VerifyResult } from './verify-result.ts';

/**
 * Postmark and SparkPost do not sign their webhooks: the receiver is protected by HTTP basic
 * auth in the webhook URL (both support it) or by a secret token sent in a header of the
 * sender's choosing (SparkPost's custom headers, Postmark's HttpHeaders). Every configured
 * credential is compared, in constant time, so a rotation can keep the old and the new at once.
 */
export interface BasicCredentials {
  username: string;
  password: string;
}

export function verifyBasicAuth(authorization: string | null | undefined, accepted: readonly BasicCredentials[]): VerifyResult {
  if (accepted.length === 0) return refuse('missing', 'no credentials configured');
  if (!authorization) return refuse('missing', 'no Authorization header');
  const m = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(authorization);
  if (!m || m[1]!.length > 4096) return refuse('malformed', 'Authorization is not Basic credentials');
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return refuse('malformed', 'Basic credentials without a colon');
  const user = decoded.slice(0, colon);
  const pass = decoded.slice(colon + 1);
  let match = false;
  for (const c of accepted) {
    // both halves always compared: no early exit tells which one was wrong
    const userOk = constantTimeEqual(user, c.username);
    const passOk = constantTimeEqual(pass, c.password);
    match = (userOk && passOk) || match;
  }
  return match ? VERIFIED : refuse('bad-signature', 'wrong username or password');
}

export function verifyToken(presented: string | null | undefined, accepted: readonly string[]): VerifyResult {
  if (accepted.length === 0) return refuse('missing', 'no token configured');
  if (!presented) return refuse('missing', 'no token');
  if (presented.length > 4096) return refuse('malformed', 'token too long');
  let match = false;
  for (const t of accepted) match = constantTimeEqual(presented, t) || match;
  return match ? VERIFIED : refuse('bad-signature', 'wrong token');
}
