import type { Command } from 'commander';
import { DB_OPTION, openCommandStore, storeNow } from '../open-db.ts';
import type { DestinationRecord } from '../../store/types.ts';
import { UsageError } from '../usage-error.ts';
import { isoTimes } from '../json-times.ts';
import { healthAt } from '../../delivery/health/destination-health.ts';

interface Options {
  db?: string;
  json?: boolean;
  health?: string;
}

const HEALTH = ['open', 'suspended', 'probing'];

/** `rebound destinations`: every receiving domain with its health, counters and last reply. */
export function registerDestinations(program: Command): void {
  program
    .command('destinations')
    .description('receiving destinations: health (open, suspended, probing), attempts, failures and the last reply')
    .option(...DB_OPTION)
    .option('--health <state>', 'only destinations in this state (open, suspended, probing)')
    .option('--json', 'print JSON')
    .action(async (opts: Options) => {
      if (opts.health !== undefined && !HEALTH.includes(opts.health)) throw new UsageError(`--health must be one of ${HEALTH.join(', ')}, got ${opts.health}`);
      const store = openCommandStore(opts.db);
      try {
        const now = await storeNow(store);
        const all = (await store.listDestinations()).map((d) => ({ ...d, health: healthAt(d, now) }));
        const rows = opts.health ? all.filter((d) => d.health === opts.health) : all;
        if (opts.json) {
          process.stdout.write(JSON.stringify(rows, isoTimes, 2) + '\n');
          return;
        }
        process.stdout.write((rows.length === 0 && all.length > 0 ? `no destinations in state ${opts.health} (${all.length} in all)` : renderTable(rows, now)) + '\n');
      } finally {
        await store.close();
      }
    });
}

/** A fixed-width table; the last reply is cut to keep one line per destination. */
export function renderTable(rows: DestinationRecord[], now: number): string {
  if (rows.length === 0) return 'no destinations yet';
  const header = ['domain', 'health', 'until', 'mx host', 'attempts', 'ok', 'failed', 'since ok', 'last reply'];
  const body = rows.map((d) => [
    d.domain,
    d.health,
    d.suspendedUntil === null ? '' : `${new Date(d.suspendedUntil).toISOString().replace(/\.\d{3}Z$/, 'Z')}${d.suspendedUntil > now ? '' : ' (over)'}`,
    d.mxHost ?? '',
    String(d.attemptCount),
    String(d.successCount),
    String(d.failureCount),
    String(d.consecutiveFailures),
    oneLine(d.lastReply ?? '', 60),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const numeric = new Set([4, 5, 6, 7]);
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...body.map(line)].join('\n');
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
