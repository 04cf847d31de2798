import type { Classification } from '../../../src/classify/types.ts';
import type { AttemptOutcome } from '../../../src/engine/transport.ts';
import type { SmtpPhase } from '../../../src/smtp/types.ts';

/**
 * Outcomes built by hand for unit tests of the gate, which reads only the classification's
 * codes, class and reason (the transport and proof tests use the real classifier).
 */
export function outcome(at: number, reply: string | { network: string; permanent?: boolean }, phase: SmtpPhase = 'rcpt', destination: string | null = 'mx.example.test'): AttemptOutcome {
  const text = typeof reply === 'string' ? reply : `${reply.network}: failed`;
  const basic = typeof reply === 'string' ? Number(reply.slice(0, 3)) : null;
  const enhanced = typeof reply === 'string' ? /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})/.exec(reply)?.[1] ?? null : null;
  const cls = basic === null ? (typeof reply !== 'string' && reply.permanent ? 'permanent' : 'transient') : basic < 300 ? 'success' : basic < 500 ? 'transient' : 'permanent';
  const classification: Classification = {
    basic, enhanced, class: cls,
    type: cls === 'success' ? 'undetermined' : cls === 'transient' ? 'soft' : 'hard',
    reason: cls === 'success' ? 'delivered' : enhanced === '4.3.2' ? 'notaccept' : basic === null ? 'networkerror' : 'undefined',
    hardbounce: false, retryable: cls === 'transient', action: cls === 'success' ? 'none' : cls === 'transient' ? 'retry' : 'suppress',
    recipient: null, rule: 'test/hand-built', text,
  };
  return { deliveryId: 'd', attemptId: `d:${at}`, at, destination, phase, response: text, classification, durationMs: 1 };
}

export const MIN = 60_000;
export const HOUR = 60 * MIN;
