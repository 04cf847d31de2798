import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { loadStaticFiles } from './static-files.ts';
import { requestToken, TOKEN_COOKIE } from './token.ts';

export interface DashboardOptions {
  /** Whether a token is one of the API's (configured or stored): the same ones open the dashboard. */
  accepts: (token: string) => boolean;
  /** Mark the cookie Secure (serve behind HTTPS). Off by default so http://127.0.0.1 works. */
  secureCookie?: boolean;
  /** How long the login lasts, in seconds (default 12 h). */
  cookieMaxAge?: number;
  /** The engine's clock (epoch ms): the pages' time windows end here, which matters under --time-scale. */
  now?: () => number;
  /** The IANA zone the metrics use for days and the hour × weekday grid (shown beside it). */
  timeZone?: string;
}

// The pages load only their own scripts and styles and talk only to this server.
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'";

/**
 * The web dashboard: `/` (one page, hash-routed), `/login`, `/logout`, its static files and
 * uPlot. The data comes from the JSON API (`/v1/…`), which accepts the login cookie as well as
 * the bearer header (see `requestToken`). Register it as an encapsulated plugin:
 * `app.register(dashboard, { accepts })`.
 */
export async function dashboard(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  const ok = (token: string | null): boolean => token !== null && token.length > 0 && options.accepts(token);
  const files = loadStaticFiles();
  const loginPage = files.get('/static/login.html')!.body.toString('utf8');
  const maxAge = options.cookieMaxAge ?? 12 * 3600;

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 8192 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  const send = (reply: FastifyReply, path: string) => {
    const f = files.get(path);
    if (!f) return reply.code(404).type('text/plain').send('not found');
    return reply.header('cache-control', 'no-cache').header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff').type(f.type).send(f.body);
  };
  const showLogin = (reply: FastifyReply, status: number, message: string) =>
    reply.code(status).header('cache-control', 'no-store').header('content-security-policy', CSP).type('text/html; charset=utf-8')
      .send(loginPage.replace('<!--message-->', message ? `<p class="error" role="alert">${message}</p>` : ''));

  app.get('/', async (request, reply) => {
    if (!ok(requestToken(request))) return reply.redirect('/login', 303);
    return send(reply, '/static/index.html');
  });

  // The figures are windows ending at the engine's "now", which is not the browser's under a
  // scaled or test clock.
  app.get('/web/clock', async (request, reply) => {
    if (!ok(requestToken(request))) return reply.code(401).send({ error: 'a valid token is required', details: { field: 'headers.authorization' } });
    return { now: (options.now ?? Date.now)(), timeZone: options.timeZone ?? 'UTC' };
  });

  app.get('/login', async (_request, reply) => showLogin(reply, 200, ''));

  app.post('/login', async (request: FastifyRequest<{ Body: unknown }>, reply) => {
    const body = request.body as Record<string, unknown> | null;
    const token = typeof body?.token === 'string' ? body.token.trim() : '';
    if (!ok(token)) return showLogin(reply, 401, 'That token is not valid.');
    const cookie = [
      `${TOKEN_COOKIE}=${encodeURIComponent(token)}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAge}`,
      ...(options.secureCookie ? ['Secure'] : []),
    ].join('; ');
    return reply.header('set-cookie', cookie).redirect('/', 303);
  });

  app.post('/logout', async (_request, reply) =>
    reply.header('set-cookie', `${TOKEN_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`).redirect('/login', 303));

  app.get('/static/*', async (request, reply) => send(reply, request.url.split('?')[0]!));
  app.get('/vendor/*', async (request, reply) => send(reply, request.url.split('?')[0]!));
}
