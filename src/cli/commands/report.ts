import type { Command } from 'commander';
import { DB_OPTION, openCommandStore, storeNow } from '../open-db.ts';
import { openMetrics } from '../../metrics/open-metrics.ts';
import { RealClock } from '../../engine/clock.ts';
import { MetricsQueryError, parseMetricsQuery } from '../../metrics/query.ts';
import { renderReport } from '../../metrics/render.ts';
import { UsageError } from '../usage-error.ts';

interface Options {
  db?: string;
  from?: string;
  to?: string;
  enhanced?: string;
  reason?: string;
  domain?: string;
  tz?: string;
  json?: boolean;
}

/** Opens the database a metrics command names, refusing a missing file (SQLite would create one). */
export function openForMetrics(db: string | undefined) {
  return openCommandStore(db);
}

export function metricsFilterOptions(cmd: Command, fromDefault = '7 days before --to'): Command {
  return cmd
    .option(...DB_OPTION)
    .option('--from <time>', `window start: ISO 8601 or epoch ms (default: ${fromDefault})`)
    .option('--to <time>', 'window end: ISO 8601 or epoch ms (default: now)')
    .option('--enhanced <code>', 'only this enhanced code, e.g. 4.3.2')
    .option('--reason <name>', 'only this reason, e.g. notaccept')
    .option('--domain <domain>', 'only this recipient domain');
}

/** `rebound report`: the seed's monitoring figures for a window, for a terminal or (--json) a script. */
export function registerReport(program: Command): void {
  metricsFilterOptions(program.command('report')
    .description('deferrals by code and reason, a sparkline, top problematic servers, resolution times, retry success, hour × weekday heatmap'))
    .option('--tz <zone>', 'IANA time zone for days and the heatmap (default: UTC)')
    .option('--json', 'print the summary as JSON (with the hourly series)')
    .action(async (opts: Options) => {
      const store = openForMetrics(opts.db);
      try {
        let q;
        const now = await storeNow(store);
        try {
          q = parseMetricsQuery({ from: opts.from, to: opts.to, enhanced: opts.enhanced, reason: opts.reason, domain: opts.domain, tz: opts.tz }, now);
        } catch (err) {
          if (err instanceof MetricsQueryError) throw new UsageError(err.message);
          throw err;
        }
        const timeZone = q.timeZone ?? 'UTC';
        // open incidents' ages count to the same "now" as the window, the store's when it is ahead
        const metrics = openMetrics(store, { timeZone, clock: new RealClock(1, now) });
        const summary = await metrics.summary(q);
        const frequency = await metrics.frequency(q, 'hour');
        if (opts.json) {
          const window = { from: new Date(q.from).toISOString(), to: new Date(q.to).toISOString(), timeZone };
          process.stdout.write(JSON.stringify({ window, ...summary, frequency }, null, 2) + '\n');
          return;
        }
        process.stdout.write(renderReport(summary, frequency, { from: q.from, to: q.to, timeZone }) + '\n');
      } finally {
        await store.close();
      }
    });
}
