import { z } from 'zod';
import { EVENT_TYPES } from '../../engine/events.ts';
import type { Schedule } from '../../policy/types.ts';

/**
 * Configured receivers of engine events. `types` lists event types (`delivery.failed`), whole
 * families (`delivery.*`) or `*`; an unknown type is a configuration error at start, not a
 * filter that silently never matches.
 */
export interface OutgoingEndpoint {
  url: string;
  /** One secret, or several while one is being rotated: every POST carries a `v1` for each. */
  secret: string | string[];
  types: string[];
}

const typePattern = z.string().refine(
  (t) => t === '*' || (EVENT_TYPES as readonly string[]).includes(t) || (t.endsWith('.*') && EVENT_TYPES.some((e) => e.startsWith(t.slice(0, -1)))),
  { message: `unknown event type; known: ${EVENT_TYPES.join(', ')}, a family such as delivery.*, or *` },
);

export const endpointSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }),
  secret: z.union([
    z.string().min(16, 'a webhook secret needs at least 16 characters'),
    z.array(z.string().min(16, 'a webhook secret needs at least 16 characters')).min(1).max(5),
  ]),
  types: z.array(typePattern).min(1).default(['*']),
});

export const endpointsSchema = z.array(endpointSchema).superRefine((list, ctx) => {
  const first = new Map<string, number>();
  list.forEach((e, i) => {
    const earlier = first.get(e.url);
    // reported at the repeat, where the mistake was made
    if (earlier !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'url'], message: `each endpoint URL may appear once (the URL names the endpoint across restarts); endpoints[${earlier}] has it` });
    else first.set(e.url, i);
  });
});

/** Parses the `webhooks.endpoints` configuration; throws a ZodError naming the bad field. */
export function parseEndpoints(input: unknown): OutgoingEndpoint[] {
  return endpointsSchema.parse(input);
}

export function wantsEvent(endpoint: OutgoingEndpoint, type: string): boolean {
  return endpoint.types.some((t) => t === '*' || t === type || (t.endsWith('.*') && type.startsWith(t.slice(0, -1))));
}

/**
 * Retries of an outgoing POST: exponential backoff with full jitter, 30 s doubling up to 1 h,
 * for three days from the first try (an endpoint down over a weekend still gets its events;
 * Stripe and Svix keep trying about as long), then the dead-letter list.
 */
export const DEFAULT_OUTGOING_SCHEDULE: Schedule = { kind: 'backoff', initial: 30_000, factor: 2, max: 3_600_000, min: 5_000, jitter: 'full' };
export const DEFAULT_OUTGOING_MAX_AGE_MS = 3 * 24 * 3_600_000;
