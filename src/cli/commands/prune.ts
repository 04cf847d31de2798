import type { Command } from 'commander';
import { openMetrics } from '../../metrics/open-metrics.ts';
import { RealClock } from '../../engine/clock.ts';
import { DAY_MS, parseRetention, pruneStore, retentionTargetOf, type PruneReport } from '../../store/retention.ts';
import { DB_OPTION, openCommandStore } from '../open-db.ts';
import { UsageError } from '../usage-error.ts';

interface Options {
  db?: string;
  olderThan?: string;
  dryRun?: boolean;
  json?: boolean;
}

/** `rebound prune`: deletes what is older than the retention period, keeping the suppression list. */
export function registerPrune(program: Command): void {
  program
    .command('prune')
    .description('delete finished deliveries, their messages and attempts, and old events older than a period; addresses (suppressions) and metrics are kept')
    .option(...DB_OPTION)
    .requiredOption('--older-than <period>', 'e.g. 90d or 36h (1d to 36500d); counted back from now')
    .option('--dry-run', 'count what would be deleted, delete nothing')
    .option('--json', 'print the counts as one JSON object')
    .action(async (opts: Options) => {
      const ms = parseRetention(opts.olderThan ?? '');
      if (ms === null) throw new UsageError(`--older-than ${JSON.stringify(opts.olderThan)}: expected a period of days or hours such as 90d or 36h, at most 36500d`);
      if (ms < DAY_MS) throw new UsageError(`--older-than ${opts.olderThan}: at least 1d (ESP providers repeat events for up to a day or more; their ids are kept that long to drop the repeats)`);
      const store = openCommandStore(opts.db);
      try {
        // Wall time, not the later of it and the store's latest time as reports use: a store once
        // run sped up holds times ahead of the wall, and counting back from those would delete
        // mail written since at real speed. At worst this deletes less.
        const now = Date.now();
        const report = await pruneStore(retentionTargetOf(store), {
          before: now - ms,
          dryRun: opts.dryRun === true,
          // fold the outbox into the metrics first, so what is deleted is counted there
          beforeEvents: () => openMetrics(store, { clock: new RealClock(1, now) }).sync(),
        });
        process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : describePrune(report));
      } finally {
        await store.close();
      }
    });
}

export function describePrune(r: PruneReport): string {
  const verb = r.dryRun ? 'would delete' : 'deleted';
  const lines = [
    `${verb} what was finished or recorded before ${new Date(r.before).toISOString()}:`,
    `  deliveries          ${r.deliveries}${r.attempts === null ? ' (and their attempts)' : ` (attempts: ${r.attempts})`}`,
    `  messages            ${r.messages}`,
    `  events              ${r.events}`,
    `  webhook deliveries  ${r.webhookDeliveries}`,
    `  ESP event ids       ${r.ingestKeys}`,
    `  quarantined mail    ${r.quarantine}`,
    `kept: addresses and suppressions, waiting deliveries, pending webhook POSTs, metrics; events after #${r.eventsKeptAfter.eventId} (not yet read by ${r.eventsKeptAfter.heldBy})`,
  ];
  return `${lines.join('\n')}\n`;
}
