import type { AttemptOutcome } from './transport.ts';

/**
 * Protects receiving servers. The scheduler asks the gate before it hands a due delivery to the
 * transport, and tells it every outcome. A held delivery keeps its place in the schedule and
 * spends no attempt: it waits in the queue until `until` (a lease nobody holds), and no event is
 * written for it, since the gate's own events (`destination.suspended`, `destination.resumed`)
 * say once per destination what per-delivery events would say a thousand times. `why` is for the
 * caller's log. Implemented in delivery/ (suspension on 421 / 4.3.2 / connect failure, probing,
 * token buckets, concurrency); the engine ships an always-open gate.
 */
export type GateDecision = { admit: true; release: () => void } | { admit: false; until: number; why: string };

export interface DestinationGate {
  /** May a delivery to `domain` start now? On admit, call `release` when its attempt is over. */
  admit(domain: string, now: number): Promise<GateDecision> | GateDecision;
  /** Every outcome, so the gate can suspend, extend, probe or resume. */
  observe(domain: string, outcome: AttemptOutcome): Promise<void> | void;
}

export const openGate: DestinationGate = {
  admit: () => ({ admit: true, release: () => {} }),
  observe: () => {},
};
