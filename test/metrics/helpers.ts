import { TestClock } from '../../src/engine/clock.ts';
import { Engine } from '../../src/engine/engine.ts';
import { Scheduler } from '../../src/engine/scheduler.ts';
import type { DeliveryJob } from '../../src/engine/transport.ts';
import type { Classification } from '../../src/classify/types.ts';
import { seededRandom } from '../../src/policy/schedule.ts';
import { openMetrics } from '../../src/metrics/open-metrics.ts';
import { ScriptedTransport, tempStore, drive } from '../engine/helpers.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import type { Store } from '../../src/store/store.ts';
import { PG_URL, dropSchema, newSchemaName, postgresAvailability } from '../store/contract/factories.ts';

export type Backend = 'SQLite' | 'PostgreSQL';
/** The stores the metrics suites run on, with why one is skipped (null: it runs). */
export const BACKENDS: Array<{ name: Backend; skip: string | null }> = [
  { name: 'SQLite', skip: null },
  { name: 'PostgreSQL', skip: await postgresAvailability() },
];

function openBackend(backend: Backend): { store: Store; path: string; cleanup: () => Promise<void> } {
  if (backend === 'SQLite') return tempStore();
  const schema = newSchemaName();
  const store = new PostgresStore(PG_URL, { schema });
  return { store, path: '', cleanup: async () => { await store.close(); await dropSchema(schema); } };
}

export { REPLIES, HOUR, DAY, drive } from '../engine/helpers.ts';

/** An engine on a fresh store (a SQLite file or a PostgreSQL schema), a scripted transport, a scheduler and metrics, all on one TestClock. */
export function world(answer: (job: DeliveryJob, now: number) => Classification, timeZone = 'UTC', backend: Backend = 'SQLite', start?: number) {
  const { store, path, cleanup } = openBackend(backend);
  const clock = new TestClock(start);
  const t0 = clock.now();
  const engine = new Engine({ store, clock, random: seededRandom(7) });
  const transport = new ScriptedTransport(() => clock.now(), (job) => answer(job, clock.now()));
  const scheduler = new Scheduler({ engine, transport });
  const metrics = openMetrics(store, { clock, timeZone });
  const send = (recipients: string[]) => engine.submit({ from: 'news@sender.example', raw: 'Subject: hi\r\n\r\nhello\r\n' }, recipients);
  const runUntil = (at: number) => drive(scheduler, engine, clock, at);
  return { store, path, cleanup, clock, t0, engine, scheduler, metrics, send, runUntil };
}
