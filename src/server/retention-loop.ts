import type { Logger } from 'pino';
import type { Clock } from '../engine/clock.ts';
import type { Store } from '../store/store.ts';
import { openMetrics } from '../metrics/open-metrics.ts';
import { DAY_MS, pruneStore, retentionTargetOf } from '../store/retention.ts';

/** First run a minute (engine time) after the start, so a big prune never delays it; then hourly. */
export const RETENTION_FIRST_RUN_MS = 60_000;
export const RETENTION_EVERY_MS = 3_600_000;

/**
 * `retentionDays`: prunes what is older than that on the engine clock, once an hour, until the
 * signal aborts. A failed run is logged and tried again at the next hour; a run stopped by the
 * signal keeps what it had deleted (each batch is its own transaction).
 */
export async function runRetention(options: { store: Store; clock: Clock; days: number; logger: Logger; signal: AbortSignal }): Promise<void> {
  const { store, clock, days, logger, signal } = options;
  const target = retentionTargetOf(store);
  const metrics = openMetrics(store, { clock });
  let next = clock.now() + RETENTION_FIRST_RUN_MS;
  for (;;) {
    try {
      await clock.sleepUntil(next, signal);
    } catch {
      return;
    }
    try {
      const report = await pruneStore(target, { before: clock.now() - days * DAY_MS, signal, beforeEvents: () => metrics.sync() });
      logger.info({ event: 'retention.pruned', ...report, before: new Date(report.before).toISOString() }, `retention: deleted ${report.deliveries} deliveries, ${report.messages} messages, ${report.events} events older than ${days} days${report.stopped ? ' (stopped before the end: the next run goes on)' : ''}`);
    } catch (err) {
      if (signal.aborted) return;
      logger.warn({ event: 'retention.failed', err }, 'retention: pruning failed; the next run tries again');
    }
    next = clock.now() + RETENTION_EVERY_MS;
  }
}
