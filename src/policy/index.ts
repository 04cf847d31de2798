// The retry policy: load a file, pick a rule for an outcome, compute waits.
export type { Policy, PolicyRule, RuleMatch, Schedule, DestinationLimits, DestinationPolicy, SuspensionSettings } from './types.ts';
export { loadPolicyFile, loadPolicyText, PolicyFileError, type PolicyIssue } from './load-policy.ts';
export { compilePolicy, defaultPolicy, destinationLimits, PolicyError } from './compile-policy.ts';
export { matchRule, ruleMatches } from './match-rule.ts';
export { retryDelay, mayRetry, scheduleVector, seededRandom, type RandomSource } from './schedule.ts';
export { parseDuration, formatDuration } from './duration.ts';
export { parseIntervals } from './intervals.ts';
export { describePolicy, describeSchedule } from './describe-policy.ts';
export { resolvePolicy } from './resolve-policy.ts';
