import type { DestinationObservation } from '../types.ts';

/** Counters for one destination, summed over a batch in order (see observe-destination). */
export interface DestinationTally {
  domain: string;
  mxHost: string | null;
  attempts: number;
  successes: number;
  failures: number;
  trailingFailures: number;
  reply: string;
  at: number;
}

/** Adds one observation to its destination's tally: one upsert per destination per batch. */
export function tallyObservation(tallies: Map<string, DestinationTally>, o: DestinationObservation): void {
  let t = tallies.get(o.domain);
  if (!t) tallies.set(o.domain, (t = { domain: o.domain, mxHost: null, attempts: 0, successes: 0, failures: 0, trailingFailures: 0, reply: '', at: 0 }));
  t.attempts++;
  if (o.success) {
    t.successes++;
    t.trailingFailures = 0;
  } else {
    t.failures++;
    t.trailingFailures++;
  }
  t.mxHost = o.mxHost ?? t.mxHost;
  t.reply = o.reply;
  t.at = Math.max(t.at, o.at);
}
