import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Classification, Reason } from '../../src/classify/types.ts';
import type { ReplyClass } from '../../src/smtp/types.ts';
import type { AttemptOutcome, DeliveryJob, Transport } from '../../src/engine/transport.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';

/**
 * A Classification as the classifier would produce it for a reply, built locally so engine tests
 * do not depend on the classifier's rules (only on its output type).
 */
export function classification(reply: string, reason: Reason, extra: Partial<Classification> = {}): Classification {
  const m = /^(\d{3})(?:[ -](\d\.\d{1,3}\.\d{1,3}))?/.exec(reply);
  const basic = m ? Number(m[1]) : null;
  const enhanced = m?.[2] ?? null;
  const digit = (enhanced ?? String(basic ?? ''))[0];
  const cls: ReplyClass | null = digit === '2' ? 'success' : digit === '4' ? 'transient' : digit === '5' ? 'permanent' : null;
  const hardbounce = ['userunknown', 'hostunknown', 'hasmoved'].includes(reason) || (reason === 'notaccept' && cls === 'permanent');
  const blockReasons: Reason[] = ['blocked', 'badreputation', 'authfailure', 'spamdetected', 'policyviolation', 'securityerror', 'requireptr'];
  const type = cls === 'success' ? 'undetermined' : cls === 'transient' ? 'soft' : hardbounce ? 'hard' : blockReasons.includes(reason) ? 'block' : cls === 'permanent' ? 'undetermined' : 'undetermined';
  const retryable = cls === 'transient' || cls === null;
  return {
    basic, enhanced, class: cls, type, reason, hardbounce, retryable,
    action: cls === 'success' ? 'none' : retryable ? 'retry' : hardbounce ? 'suppress' : type === 'block' ? 'fix-sender' : 'none',
    recipient: null, rule: `test/${reason}`, text: reply, ...extra,
  };
}

export const REPLIES = {
  ok: () => classification('250 2.0.0 OK queued', 'delivered'),
  notAccepting: () => classification('451 4.3.2 System not accepting network messages', 'notaccept'),
  busy: () => classification('421 4.7.0 Try again later', 'speeding'),
  userUnknown: () => classification('550 5.1.1 No such user', 'userunknown'),
  userUnknownTransient: () => classification('450 4.1.1 Mailbox unavailable, try later', 'userunknown'),
  blocked: () => classification('554 5.7.1 Service unavailable; client host blocked using Spamhaus', 'blocked'),
  tooBig: () => classification('552 5.3.4 Message too big', 'mesgtoobig'),
} as const;
export type ReplyName = keyof typeof REPLIES;

export function outcome(job: Pick<DeliveryJob, 'deliveryId' | 'attemptId'>, c: Classification, at: number): AttemptOutcome {
  return { deliveryId: job.deliveryId, attemptId: job.attemptId, at, destination: 'mx.example.net', phase: 'rcpt', response: c.text, classification: c, durationMs: 1 };
}

/** A transport that answers at once from a script: `answer(job)` picks the reply. Records every job it was given. */
export class ScriptedTransport implements Transport {
  readonly jobs: DeliveryJob[] = [];
  constructor(private readonly now: () => number, private readonly answer: (job: DeliveryJob) => Classification) {}
  async deliver(jobs: DeliveryJob[]): Promise<AttemptOutcome[]> {
    this.jobs.push(...jobs);
    return jobs.map((j) => outcome(j, this.answer(j), this.now()));
  }
  async close(): Promise<void> {}
}

/** A fresh SQLite file in a temp dir; `cleanup` closes and removes it. */
export function tempStore(): { store: SqliteStore; path: string; cleanup: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-engine-'));
  const path = join(dir, 'rebound.db');
  const store = new SqliteStore(path, { durability: 'normal' });
  return { store, path, cleanup: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); } };
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** Runs the scheduler from one due time to the next until nothing is due before `until` (engine time). */
export async function drive(
  scheduler: { runOnce(): Promise<unknown> },
  engine: { nextDueAt(): Promise<number | null> },
  clock: { now(): number; set(at: number): void },
  until: number,
): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    await scheduler.runOnce();
    const next = await engine.nextDueAt();
    if (next === null || next > until) return;
    clock.set(Math.max(next, clock.now()));
  }
  throw new Error('drive: still busy after 10000 rounds');
}
