import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.ts';
import type { ServerContext } from '../context.ts';
import { deliverySchema, errors } from './schemas.ts';
import { deliveryView } from './delivery-view.ts';

/** `GET /v1/deliveries/:id`: one delivery with its attempts. */
export async function deliveryRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get('/v1/deliveries/:id', {
    schema: {
      summary: 'One delivery and its attempts',
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } },
      response: { 200: deliverySchema, ...errors },
    },
  }, async (request) => {
    const { id } = request.params as { id: string };
    const d = await ctx.store.getDelivery(id);
    if (!d) throw new ApiError(404, `no delivery ${id}`, { field: 'params.id' });
    return deliveryView(ctx, d);
  });
}
