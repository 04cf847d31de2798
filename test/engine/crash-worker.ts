// A worker process for crash.test.ts: runs the scheduler on a SQLite file with a transport that
// answers at once and logs every job it is handed (appendFileSync: the log survives a SIGKILL).
// Time is a TestClock jumped from one due time to the next, so the whole schedule runs at once.
// Usage: node --import tsx crash-worker.ts DB LOG START_AT
import { appendFileSync } from 'node:fs';
import { TestClock } from '../../src/engine/clock.ts';
import { Engine } from '../../src/engine/engine.ts';
import { Scheduler } from '../../src/engine/scheduler.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { seededRandom } from '../../src/policy/schedule.ts';
import type { AttemptOutcome, DeliveryJob, Transport } from '../../src/engine/transport.ts';
import { REPLIES, outcome } from './helpers.ts';

const [dbPath, logPath, startAt] = process.argv.slice(2);
const store = new SqliteStore(dbPath!);
const clock = new TestClock(Number(startAt));
const engine = new Engine({ store, clock, random: seededRandom(9) });
let sent = 0;

/** The reply a recipient gets is fixed by its name: most accept, some bounce, some defer once. */
function answer(job: DeliveryJob) {
  const n = Number(/\d+/.exec(job.recipient)?.[0] ?? 0);
  if (n % 10 === 1) return REPLIES.userUnknown();
  if (n % 10 === 2) return REPLIES.blocked();
  if (n % 10 === 3 && job.attempt === 1) return REPLIES.notAccepting();
  return REPLIES.ok();
}

const transport: Transport = {
  async deliver(jobs: DeliveryJob[]): Promise<AttemptOutcome[]> {
    appendFileSync(logPath!, jobs.map((j) => `${j.deliveryId} ${j.attempt}\n`).join(''));
    sent += jobs.length;
    process.stdout.write(`sent ${sent}\n`);
    return jobs.map((j) => outcome(j, answer(j), clock.now()));
  },
  async close() {},
};

const scheduler = new Scheduler({ engine, transport, batchSize: 100, maxInFlight: 100, leaseMs: 5 * 60_000 });
for (;;) {
  await scheduler.runOnce();
  const next = await engine.nextDueAt();
  const open = await store.countDeliveries();
  if (open.queued + open.deferred === 0 || next === null) break;
  clock.set(Math.max(next, clock.now()));
}
await store.close();
process.stdout.write('done\n');
