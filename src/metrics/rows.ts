import type { IncidentRecord } from './types.ts';

/** An `incidents` row as either database returns it (PostgreSQL's BIGINTs come back as strings). */
export function rowToIncident(r: Record<string, unknown>): IncidentRecord {
  return {
    id: Number(r.id), domain: String(r.domain), mxHosts: JSON.parse(String(r.mx_hosts)) as string[],
    openedAt: Number(r.opened_at), closedAt: r.closed_at === null ? null : Number(r.closed_at),
    lastFailureAt: Number(r.last_failure_at), deferrals: Number(r.deferrals), failures: Number(r.failures),
    retries: Number(r.retries), recipients: Number(r.recipients), codes: JSON.parse(String(r.codes)) as Record<string, number>,
  };
}
