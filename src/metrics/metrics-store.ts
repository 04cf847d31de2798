import type { EventRecord } from '../store/types.ts';
import type { CodeRow, WindowRow, DestinationRow, FunnelRow, HourlyRow, IncidentRecord, MetricsFilter, TotalsRow } from './types.ts';

export type SegmentKind = 'deferred' | 'held' | 'unavailable' | 'suppressed' | 'touched';
export const SEGMENT_KINDS: readonly SegmentKind[] = ['deferred', 'held', 'unavailable', 'suppressed', 'touched'];

/** One affected recipient. Columns not known for a kind are null. */
export interface SegmentRow {
  recipient: string;
  domain: string;
  status: string;
  reason: string | null;
  enhanced: string | null;
  /** Outcomes in the window (touched), attempts so far (deferred), null otherwise. */
  count: number | null;
  /** Latest outcome time, or the end of the cool-off for unavailable addresses. */
  at: number | null;
}

export interface SegmentQuery extends Partial<MetricsFilter> {
  kind: SegmentKind;
}

/**
 * What the monitoring side keeps and reads, beside the engine's `Store`. The SQLite
 * implementation runs the portable statements of `sql.ts`; a PostgreSQL one runs the same.
 */
export interface MetricsStore {
  /** The last outbox event id folded in (0: none). */
  cursor(): Promise<number>;
  /** Folds `events` and moves the cursor to `lastEventId`, in one transaction. */
  apply(events: readonly EventRecord[], lastEventId: number): Promise<void>;
  /** The window's aggregate rows as stored (one scan serves every figure of the summary). */
  /** The window's rows by destination, code and reason, deliveries left out (`delivered` is 0: see windowDelivered). */
  windowRows(f: MetricsFilter): Promise<WindowRow[]>;
  /** Deliveries in the window. */
  windowDelivered(f: MetricsFilter): Promise<number>;
  hourlyByCode(f: MetricsFilter): Promise<CodeRow[]>;
  hourlyByHour(f: MetricsFilter): Promise<HourlyRow[]>;
  destinations(f: MetricsFilter): Promise<DestinationRow[]>;
  incidentsOverlapping(f: Pick<MetricsFilter, 'from' | 'to' | 'domain'>): Promise<IncidentRecord[]>;
  funnel(f: MetricsFilter): Promise<FunnelRow[]>;
  totalsByCode(): Promise<TotalsRow[]>;
  totalsByDomain(): Promise<Array<{ domain: string; deferrals: number }>>;
  closedDurations(): Promise<Array<{ domain: string; ms: number }>>;
  openIncidents(): Promise<IncidentRecord[]>;
  /** Streams the segment straight off a database cursor: rows are never collected. */
  segment(q: SegmentQuery): AsyncIterable<SegmentRow>;
}
