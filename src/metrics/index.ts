export { Metrics, type Summary, type Counts, type Frequency, type DestinationRanking, type Resolution, type RetrySuccess, type AttemptShare } from './metrics.ts';
export { openMetrics, metricsStoreFor } from './open-metrics.ts';
export { SqliteMetricsStore } from './sqlite-metrics-store.ts';
export { SEGMENT_KINDS, type MetricsStore, type SegmentKind, type SegmentQuery, type SegmentRow } from './metrics-store.ts';
export { foldEvents, type MetricsWriter } from './projector.ts';
export type { IncidentRecord, MetricsFilter } from './types.ts';
