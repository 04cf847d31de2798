import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
// Random bytes drawn 4 KiB at a time: one call per id costs more than the rest of the id.
let pool = Buffer.alloc(0);
let poolAt = 0;

/**
 * Ids that sort by creation time (engine clock) then randomness, like ULIDs: new rows land at
 * the end of the primary-key B-tree instead of all over it, which keeps inserts fast in a store
 * holding millions of deliveries.
 */
export function newId(prefix: string, now: number): string {
  let time = '';
  let t = Math.max(0, Math.floor(now));
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  if (poolAt + 10 > pool.length) {
    pool = randomBytes(4096);
    poolAt = 0;
  }
  let rand = '';
  for (let i = 0; i < 10; i++) rand += ALPHABET[pool[poolAt++]! & 31];
  return `${prefix}_${time}${rand}`;
}

/**
 * Every attempt id is its delivery's id, `#`, then what makes it unique: the SQLite store finds a
 * delivery's attempts as one range of the primary key (`attemptKeyRange`) instead of keeping an
 * index on `delivery_id` that every transition would pay for.
 */

/** The id of attempt `n` of a delivery: deterministic, so a re-try after a crash reuses it. */
export function attemptId(deliveryId: string, n: number): string {
  return `${deliveryId}#${n}`;
}

/**
 * The stored id of an attempt: its delivery's id and `#` in front of the one given, unless it
 * has them already (our own attempts, `attemptId`). A bounce keyed by its event (`dsn:<id>`) or a
 * library caller's own id stays recognisable on a repeat, and stays in the delivery's range.
 */
export function ownAttemptId(deliveryId: string, id: string): string {
  return id.startsWith(`${deliveryId}#`) ? id : `${deliveryId}#${id}`;
}

/** Bounds strictly around every id `${deliveryId}#…` in byte order ('$' follows '#'). */
export function attemptKeyRange(deliveryId: string): { from: string; to: string } {
  return { from: `${deliveryId}#`, to: `${deliveryId}$` };
}
