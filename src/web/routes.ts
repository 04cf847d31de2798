import { metricsTimeZoneOf } from '../server/routes/metrics-context.ts';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../server/context.ts';
import { deliveryListRoutes } from './delivery-list-routes.ts';
import { dashboard } from './plugin.ts';

/**
 * The route-list entry for the dashboard (src/server/routes/index.ts): the pages and login, and
 * the delivery list the pages read. The login checks tokens exactly as the API's auth hook does
 * (`ctx.acceptsToken`, set by buildApp).
 */
export async function webRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const accepts = ctx.acceptsToken;
  if (!accepts) throw new Error('the dashboard needs ServerContext.acceptsToken (set by buildApp)');
  await app.register(deliveryListRoutes, { store: ctx.store, clock: ctx.engine.clock });
  await app.register(dashboard, { accepts, now: () => ctx.engine.clock.now(), timeZone: metricsTimeZoneOf(ctx) });
}
