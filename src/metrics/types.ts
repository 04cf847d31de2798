/** Monitoring rows and answers. Times are epoch ms (engine clock) unless a name says Seconds. */

export interface IncidentRecord {
  id: number;
  /** Recipient domain the incident is rolled up to. */
  domain: string;
  /** The MX hosts (or relays) that answered during it. */
  mxHosts: string[];
  openedAt: number;
  closedAt: number | null;
  lastFailureAt: number;
  deferrals: number;
  /** Transient final failures (retries ran out while the destination was still down). */
  failures: number;
  /** Attempts after a delivery's first that failed during the incident. */
  retries: number;
  /** Distinct recipients affected. */
  recipients: number;
  /** Enhanced (else basic) code → times seen. */
  codes: Record<string, number>;
}

export interface MetricsFilter {
  from: number;
  to: number;
  enhanced?: string | null;
  reason?: string | null;
  domain?: string | null;
}

export interface HourlyRow {
  hour: number;
  enhanced: string;
  reason: string;
  deferrals: number;
  failures: number;
}

export interface CodeRow {
  enhanced: string;
  reason: string;
  deferrals: number;
  failures: number;
}

export interface DestinationRow {
  domain: string;
  mxHost: string;
  deferrals: number;
  failures: number;
  retries: number;
}

export interface FunnelRow {
  /** null while the delivery is still waiting. */
  finalStatus: 'delivered' | 'failed' | null;
  finalAttempt: number | null;
  n: number;
}

export interface TotalsRow extends CodeRow {
  retries: number;
  refusals: number;
  delivered: number;
  complaints: number;
}

/** A window's aggregates for one destination × code × reason, summed over its hours. */
export type WindowRow = Omit<AggregateRow, 'hour'>;

/** One stored aggregate row: UTC hour × destination × code × reason. */
export interface AggregateRow {
  hour: number;
  domain: string;
  mxHost: string;
  enhanced: string;
  reason: string;
  deferrals: number;
  failures: number;
  retries: number;
  /** Permanent failures: the receiving side refused for good. */
  refusals: number;
  /** Deliveries that reached the recipient. */
  delivered: number;
  /** Spam reports about deliveries (ARF abuse or fraud, an ESP's complaint event), counted when they arrive. */
  complaints: number;
}
