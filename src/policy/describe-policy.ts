import { formatDuration } from './duration.ts';
import type { DestinationLimits, Policy, PolicyRule, Schedule } from './types.ts';

/** The effective policy as plain data in the file's own words (durations as "1h"), for `policy show`. */
export function describeSchedule(s: Schedule): unknown {
  switch (s.kind) {
    case 'none': return false;
    case 'intervals': return s.intervals.map(formatDuration).join(',');
    case 'backoff': return { initial: formatDuration(s.initial), factor: s.factor, max: formatDuration(s.max), min: formatDuration(s.min), jitter: s.jitter };
  }
}

function describeRule(r: PolicyRule): Record<string, unknown> {
  return {
    id: r.id, from: r.origin, match: r.match, retry: describeSchedule(r.schedule),
    ...(r.schedule.kind === 'none' ? {} : { maxAttempts: r.maxAttempts, maxAge: formatDuration(r.maxAge), exhausted: r.exhausted }),
  };
}

function describeLimits(l: DestinationLimits): Record<string, unknown> {
  return { ...l };
}

export function describePolicy(p: Policy): Record<string, unknown> {
  const s = p.destinations.suspend;
  return {
    delayWarning: p.delayWarning === null ? 'off' : formatDuration(p.delayWarning),
    addresses: { coolOff: formatDuration(p.coolOff) },
    rules: p.rules.map(describeRule),
    destinations: {
      default: describeLimits(p.destinations.default),
      suspend: { after: s.after, initial: formatDuration(s.initial), factor: s.factor, max: formatDuration(s.max), probes: s.probes },
      domains: Object.fromEntries(Object.entries(p.destinations.domains).map(([d, l]) => [d, describeLimits(l)])),
    },
  };
}
