import type Database from 'better-sqlite3';
import type { BounceEvent } from '../classify/bounce-event.ts';
import type { Engine, RecordResult } from '../engine/engine.ts';

interface Waiting {
  events: readonly BounceEvent[];
  resolve: (results: RecordResult[]) => void;
  reject: (err: unknown) => void;
}

/**
 * The one door bounce events go through from HTTP and inbound SMTP. A call resolves only after
 * the transaction holding its writes committed, so a caller acknowledges nothing that a crash
 * could take back. Group commit: the calls that arrive while one batch is being written are
 * written together in the next batch, inside one SQLite transaction (each event in its own
 * savepoint, so one failure spoils only its own call), so a disk that takes milliseconds per
 * fsync pays it once per batch instead of once per request.
 */
export class BounceWriter {
  private queue: Waiting[] = [];
  private running: Promise<void> | null = null;

  /** `db`: the SQLite connection of the store, for group commit; null applies each call on its own. */
  constructor(private readonly engine: Engine, private readonly db: Database.Database | null = null, private readonly maxBatch = 256) {}

  apply(events: readonly BounceEvent[]): Promise<RecordResult[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      this.running ??= this.loop().finally(() => { this.running = null; });
    });
  }

  private async loop(): Promise<void> {
    while (this.queue.length > 0) {
      // let the requests already read in this turn of the event loop join the batch
      if (this.db) await new Promise((resolve) => setImmediate(resolve));
      const batch = this.queue.splice(0, this.maxBatch);
      await this.writeBatch(batch);
    }
  }

  private async writeBatch(batch: Waiting[]): Promise<void> {
    const outer = this.db !== null && !this.db.inTransaction;
    if (outer) this.db!.exec('BEGIN IMMEDIATE');
    const done: Array<{ w: Waiting; results?: RecordResult[]; err?: unknown }> = [];
    for (const w of batch) {
      try {
        const results: RecordResult[] = [];
        for (const e of w.events) results.push(await this.engine.applyBounceEvent(e));
        done.push({ w, results });
      } catch (err) {
        done.push({ w, err });
      }
    }
    if (outer) {
      try {
        this.db!.exec('COMMIT');
      } catch (err) {
        if (this.db!.inTransaction) this.db!.exec('ROLLBACK');
        for (const { w } of done) w.reject(err);
        return;
      }
    }
    for (const { w, results, err } of done) (results ? w.resolve(results) : w.reject(err));
  }

  /** Resolves once everything handed in so far has been written (graceful shutdown). */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }
}
