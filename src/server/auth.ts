import type { FastifyInstance } from 'fastify';
import { requestToken, tokenAccepted } from '../web/token.ts';
import { ApiError } from './api-error.ts';
import type { TokenScope, TokenStore } from './token-store.ts';

export interface AuthOptions {
  /** Tokens from the configuration (REBOUND_API_TOKEN…): full scope. */
  tokens: readonly string[];
  store: TokenStore | null;
  /** Whether /metrics needs a token too. */
  protectMetrics: boolean;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Bearer tokens on every `/v1` route (and `/metrics` when configured): 401 without a valid
 * token, 403 when a read-only token tries to write. The dashboard's login cookie counts as a
 * token. `/healthz`, `/openapi.json` and the dashboard's own pages stay open.
 */
export function installAuth(app: FastifyInstance, options: AuthOptions): void {
  app.addHook('onRequest', async (request) => {
    // The router decodes the path ("/%761/deliveries" reaches /v1/deliveries), so the check must
    // not look at the raw URL alone: it takes the route that matched, and the path both raw and
    // decoded, and guards if any of them is under /v1.
    const route: string | undefined = request.routeOptions?.url;
    const raw = request.url.split('?')[0]!;
    const paths = [route, raw, safeDecode(raw)];
    // ESP webhooks cannot send our API tokens: that route checks the provider's own signature.
    const espWebhook = route === '/v1/webhooks/:provider';
    const guarded = (paths.some(isApiPath) && !espWebhook) || (options.protectMetrics && paths.includes('/metrics'));
    if (!guarded) return;
    const token = requestToken(request);
    if (!token) throw new ApiError(401, 'an API token is required (Authorization: Bearer TOKEN)', { field: 'headers.authorization' });
    let scope: TokenScope | null = tokenAccepted(options.tokens, token) ? 'full' : null;
    scope ??= options.store?.scopeOf(token) ?? null;
    if (!scope) throw new ApiError(401, 'the API token is not valid', { field: 'headers.authorization' });
    if (scope === 'read' && !READ_METHODS.has(request.method)) throw new ApiError(403, 'this token may only read', { field: 'headers.authorization', scope });
  });
}

function isApiPath(path: string | undefined): boolean {
  return path !== undefined && (path === '/v1' || path.startsWith('/v1/'));
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
