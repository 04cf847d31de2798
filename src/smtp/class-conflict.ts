import type { ClassConflict, ReplyClass } from './types.ts';

/**
 * When a reply's basic and enhanced codes name different classes ("550 4.2.2 …"), which one is
 * believed. RFC 5321 (4.2.1) makes the basic code the one a client acts on and RFC 3463 says the
 * enhanced class must agree with it, so the basic code wins by default. A success basic code with
 * a failure enhanced code is believed as the failure: accepting mail while reporting an error
 * is a server bug, and losing a failure is worse than retrying a success.
 */
export const CLASS_CONFLICT_RULES: ReadonlyArray<{
  basic: ReplyClass | '*';
  enhanced: ReplyClass | '*';
  winner: 'basic' | 'enhanced';
  rule: string;
}> = [
  { basic: 'success', enhanced: '*', winner: 'enhanced', rule: 'conflict/failure-over-success' },
  { basic: '*', enhanced: '*', winner: 'basic', rule: 'conflict/basic-wins' },
];

export function resolveConflict(basic: ReplyClass, enhanced: ReplyClass): ClassConflict {
  for (const r of CLASS_CONFLICT_RULES) {
    if ((r.basic === '*' || r.basic === basic) && (r.enhanced === '*' || r.enhanced === enhanced)) {
      return { basic, enhanced, winner: r.winner, rule: r.rule };
    }
  }
  return { basic, enhanced, winner: 'basic', rule: 'conflict/basic-wins' };
}
