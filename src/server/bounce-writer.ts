import type { BounceEvent } from '../classify/bounce-event.ts';
import type { Engine, RecordResult } from '../engine/engine.ts';

/**
 * The one door bounce events go through from HTTP and inbound SMTP. Each call resolves only
 * after the engine's transaction committed, so a caller acknowledges nothing that could be
 * lost. Calls are applied one after another in arrival order: two reports for the same
 * address never race.
 */
export class BounceWriter {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  constructor(private readonly engine: Engine) {}

  apply(events: readonly BounceEvent[]): Promise<RecordResult[]> {
    this.pending++;
    const run = this.tail.then(async () => {
      const results: RecordResult[] = [];
      for (const e of events) results.push(await this.engine.applyBounceEvent(e));
      return results;
    });
    this.tail = run.catch(() => undefined).finally(() => { this.pending--; });
    return run;
  }

  /** Resolves once everything handed in so far has been written (graceful shutdown). */
  async drain(): Promise<void> {
    while (this.pending > 0) await this.tail;
  }
}
