import type { MetricsStore, SegmentQuery, SegmentRow } from './metrics-store.ts';
import { csvLine } from './csv.ts';

export type SegmentFormat = 'csv' | 'json' | 'jsonl';

const COLUMNS: ReadonlyArray<keyof SegmentRow> = ['recipient', 'domain', 'status', 'reason', 'enhanced', 'count', 'at'];

const iso = (at: number | null): string | null => (at === null ? null : new Date(at).toISOString());

/**
 * The segment as text chunks, one row at a time off the database cursor, so a million
 * recipients stream with flat memory. `json` is one array written incrementally. `max`: the
 * first rows only (a page on screen), in the segment's order.
 */
export async function* exportSegment(store: MetricsStore, query: SegmentQuery, format: SegmentFormat, max: number | null = null): AsyncGenerator<string> {
  if (format === 'csv') yield csvLine(COLUMNS);
  else if (format === 'json') yield '[';
  let first = true;
  let n = 0;
  for await (const row of store.segment(query)) {
    // leaving the loop closes the database cursor: the rest is never read
    if (max !== null && n++ >= max) break;
    const out = { ...row, at: iso(row.at) };
    if (format === 'csv') yield csvLine(COLUMNS.map((c) => out[c]));
    else if (format === 'jsonl') yield JSON.stringify(out) + '\n';
    else {
      yield (first ? '\n' : ',\n') + JSON.stringify(out);
      first = false;
    }
  }
  if (format === 'json') yield first ? ']\n' : '\n]\n';
}
