import type { DeliveryRecord } from '../../store/types.ts';
import { heldUntil } from '../../engine/decide-outcome.ts';
import { iso, type ServerContext } from '../context.ts';

/** A delivery as the API shows it: its attempts in order, times in ISO 8601 of the engine's clock. */
export async function deliveryView(ctx: ServerContext, d: DeliveryRecord) {
  const attempts = await ctx.store.listAttempts(d.id);
  return {
    id: d.id, messageId: d.messageId, recipient: d.recipient, domain: d.domain, status: d.status,
    attempts: attempts.map((a) => ({
      n: a.n, at: iso(a.at)!, source: a.source, destination: a.destination, basic: a.basic, enhanced: a.enhanced, reason: a.reason, response: a.response,
      class: a.class, phase: a.phase, rule: a.rule,
    })),
    attemptCount: d.attempts,
    nextAttemptAt: iso(d.nextAttemptAt),
    waitingUntil: iso(heldUntil(d, ctx.engine.clock.now())),
    maxAttempts: d.maxAttempts, rule: d.rule, createdAt: iso(d.createdAt)!,
  };
}
