import type { Command } from 'commander';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { metricsStoreFor } from '../../metrics/open-metrics.ts';
import { MetricsQueryError, parseMetricsQuery } from '../../metrics/query.ts';
import { exportSegment } from '../../metrics/segment-export.ts';
import { openMetrics } from '../../metrics/open-metrics.ts';
import { SEGMENT_KINDS } from '../../metrics/metrics-store.ts';
import { UsageError } from '../usage-error.ts';
import { metricsFilterOptions, openForMetrics } from './report.ts';
import { storeNow } from '../open-db.ts';

interface Options {
  db?: string;
  kind?: string;
  from?: string;
  to?: string;
  enhanced?: string;
  reason?: string;
  domain?: string;
  format?: string;
  out?: string;
}

/** Writes chunks honouring backpressure, so a million rows never pile up in memory. */
async function pipeTo(chunks: AsyncIterable<string>, out: Writable): Promise<void> {
  for await (const chunk of chunks) if (!out.write(chunk)) await once(out, 'drain');
}

/** `rebound segment export`: the affected recipients, streamed as CSV, JSON or JSONL. */
export function registerSegment(program: Command): void {
  const segment = program.command('segment').description('segments of affected recipients');
  metricsFilterOptions(segment.command('export')
    .description(`stream the recipients of a segment (${SEGMENT_KINDS.join(', ')})`), 'all time, as GET /v1/segments/affected')
    .option('--kind <kind>', `${SEGMENT_KINDS.join(' | ')} (default: touched, i.e. any failure in the window)`, 'touched')
    .option('--format <format>', 'csv | json | jsonl', 'csv')
    .option('--out <file>', 'write here instead of stdout')
    .action(async (opts: Options) => {
      const store = openForMetrics(opts.db);
      try {
        let q;
        try {
          q = parseMetricsQuery({
            from: opts.from ?? '0', to: opts.to, enhanced: opts.enhanced, reason: opts.reason, domain: opts.domain, kind: opts.kind, format: opts.format,
            // the window ends after "now": a row written at the store's latest instant (an address
            // suppressed a moment ago, under a clock ahead of the wall) is inside it
          }, (await storeNow(store)) + 1);
        } catch (err) {
          if (err instanceof MetricsQueryError) throw new UsageError(err.message);
          throw err;
        }
        // Fold the outbox first so the segment and the metrics agree.
        await openMetrics(store).sync();
        const chunks = exportSegment(metricsStoreFor(store), q, q.format);
        if (opts.out) {
          const file = createWriteStream(opts.out);
          await pipeTo(chunks, file);
          file.end();
          await once(file, 'finish');
        } else await pipeTo(chunks, process.stdout);
      } finally {
        await store.close();
      }
    });
}
