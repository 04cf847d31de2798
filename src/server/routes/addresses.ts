import type { FastifyInstance } from 'fastify';
import type { AddressRecord } from '../../store/types.ts';
import { ApiError } from '../api-error.ts';
import { addressKey } from '../../engine/address-key.ts';
import { iso, type ServerContext } from '../context.ts';
import { addressSchema, email, errors } from './schemas.ts';

const params = { type: 'object', required: ['email'], properties: { email } } as const;
// these routes take nothing else: a parameter or body field is refused, not silently ignored
const noQuery = { type: 'object', additionalProperties: false, properties: {} } as const;
const noBody = { type: ['object', 'null'], additionalProperties: false, properties: {} } as const;
const suppressBody = { type: ['object', 'null'], additionalProperties: false, properties: { reason: { type: 'string', minLength: 1, maxLength: 200, description: 'why (kept with the address; default "operator")' } } } as const;

function view(a: AddressRecord) {
  return { ...a, until: iso(a.until), updatedAt: iso(a.updatedAt) };
}

/**
 * An address the engine keeps no row for (it writes one at the first deferral, failure or report)
 * but which Rebound has sent to: active, with nothing counted, rather than "unknown".
 */
async function neverTroubled(ctx: ServerContext, email: string): Promise<AddressRecord | null> {
  const e = addressKey(email);
  const [d] = await ctx.store.listDeliveries({ recipient: e, limit: 1 });
  if (!d) return null;
  return { email: e, status: 'active', until: null, reason: null, deferralCount: 0, failureCount: 0, hardBounceCount: 0, updatedAt: d.createdAt };
}

/** An address's status, and the operator's two levers on it: reactivate and suppress. */
export async function addressRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get('/v1/addresses/:email', {
    schema: { summary: 'An address and its status', params, querystring: noQuery, response: { 200: addressSchema, ...errors } },
  }, async (request) => {
    const { email: e } = request.params as { email: string };
    const a = await ctx.engine.getAddress(e) ?? await neverTroubled(ctx, e);
    if (!a) throw new ApiError(404, `no address ${e} (never sent to nor reported)`, { field: 'params.email' });
    return view(a);
  });

  app.post('/v1/addresses/:email/reactivate', {
    schema: { summary: 'Back to active (from suppressed, unavailable or deferred)', params, querystring: noQuery, body: noBody, response: { 200: addressSchema, ...errors } },
  }, async (request) => {
    const { email: e } = request.params as { email: string };
    const a = await ctx.engine.getAddress(e) ?? await neverTroubled(ctx, e);
    if (!a) throw new ApiError(409, `${e} is already active (never sent to nor reported)`, { field: 'params.email', status: 'active' });
    if (a.status === 'active') throw new ApiError(409, `${e} is already active`, { field: 'params.email', status: a.status });
    const after = await ctx.engine.reactivateAddress(e);
    request.log.info({ event: 'address.reactivated', email: after.email }, 'address reactivated by hand');
    return view(after);
  });

  app.post('/v1/addresses/:email/suppress', {
    schema: { summary: 'Suppress until reactivated by hand', params, querystring: noQuery, body: suppressBody, response: { 200: addressSchema, ...errors } },
  }, async (request) => {
    const { email: e } = request.params as { email: string };
    const a = await ctx.engine.getAddress(e);
    if (a?.status === 'suppressed') throw new ApiError(409, `${e} is already suppressed`, { field: 'params.email', status: a.status, reason: a.reason });
    const after = await ctx.engine.suppressAddress(e, (request.body as { reason?: string } | null | undefined)?.reason);
    request.log.info({ event: 'address.suppressed', email: after.email }, 'address suppressed by hand');
    return view(after);
  });

  app.post('/v1/suppressions', {
    schema: {
      summary: 'Suppress many addresses at once: a suppression list kept elsewhere (an ESP export), in one transaction',
      querystring: noQuery,
      body: {
        type: 'object', additionalProperties: false, required: ['addresses'],
        properties: {
          addresses: { type: 'array', minItems: 1, maxItems: 10_000, items: { type: 'string', maxLength: 320 } },
          reason: { type: 'string', minLength: 1, maxLength: 200, description: 'why (kept with each address; default "import")' },
        },
      },
      response: {
        200: {
          type: 'object',
          properties: { suppressed: { type: 'integer' }, already: { type: 'integer' }, duplicates: { type: 'integer' }, invalid: { type: 'array', items: { type: 'string' } } },
        },
        ...errors,
      },
    },
  }, async (request) => {
    const body = request.body as { addresses: string[]; reason?: string };
    const r = await ctx.engine.suppressAddresses(body.addresses, body.reason);
    request.log.info({ event: 'address.imported', suppressed: r.suppressed.length, already: r.already.length, invalid: r.invalid.length }, 'suppression list imported');
    return { suppressed: r.suppressed.length, already: r.already.length, duplicates: r.duplicates, invalid: r.invalid };
  });
}
