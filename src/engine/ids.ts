import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
// Random bytes drawn 4 KiB at a time: one call per id costs more than the rest of the id.
let pool = Buffer.alloc(0);
let poolAt = 0;

// The last id's time and random digits: ids made in the same millisecond count up from it.
let lastTime = -1;
const lastRand: number[] = new Array(10).fill(0);

/**
 * Ids that sort by creation time (engine clock) then randomness, like ULIDs: new rows land at
 * the end of the primary-key B-tree instead of all over it, which keeps inserts fast in a store
 * holding millions of deliveries. Within one millisecond the random part counts up from its first
 * value (ULID's monotonic mode): a campaign of 100,000 recipients submitted at one instant still
 * gets ids in the order its rows are written, so each batch's rows, and the attempts keyed by
 * them, sit together in a few pages instead of one page each.
 */
export function newId(prefix: string, now: number): string {
  const t = Math.max(0, Math.floor(now));
  const fresh = t !== lastTime || !increment(lastRand);
  if (fresh) {
    lastTime = t;
    if (poolAt + 10 > pool.length) {
      pool = randomBytes(4096);
      poolAt = 0;
    }
    for (let i = 0; i < 10; i++) lastRand[i] = pool[poolAt++]! & 31;
    // The top digit starts in its lower half, so counting up cannot run out within a millisecond.
    lastRand[0] = lastRand[0]! & 15;
  }
  let rand = '';
  for (let i = 0; i < 10; i++) rand += ALPHABET[lastRand[i]!];
  return `${prefix}_${timeDigits(t)}${rand}`;
}

function timeDigits(ms: number): string {
  let time = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  return time;
}

/** Whether `id` has the form `newId(prefix, …)` gives: a delivery id that could have existed here. */
export function isIdOf(prefix: string, id: string): boolean {
  return id.length === prefix.length + 21 && id.startsWith(`${prefix}_`) && /^[0-9a-hjkmnp-tv-z]{20}$/.test(id.slice(prefix.length + 1));
}

/**
 * A key that sorts after every id `newId(prefix, t)` made before `at` and before every one made
 * at or after it: a time range of rows is a range of the primary key.
 */
export function idTimeBound(prefix: string, at: number): string {
  return `${prefix}_${timeDigits(Math.max(0, Math.floor(at)))}`;
}

/** Adds one to base-32 digits in place; false when they were all at the top (then draw afresh). */
function increment(digits: number[]): boolean {
  for (let i = digits.length - 1; i >= 0; i--) {
    if (digits[i]! < 31) {
      digits[i]!++;
      return true;
    }
    digits[i] = 0;
  }
  return false;
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
