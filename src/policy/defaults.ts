import type { PolicyFileInput } from './schema.ts';

/**
 * The built-in policy, as data in the policy file's own shape. A user's file is laid over it:
 * its scalars replace these, its rules go before these (first match wins), so the last two rules
 * here are the fallbacks every outcome reaches.
 */
export const BUILT_IN_POLICY = {
  // Off by default, like delay_warning_time in Postfix: senders opt in to the early warning.
  delayWarning: 'off',
  // The seed asks to mark an address unavailable "temporarily"; a week is long enough for a
  // server that was down for maintenance to be back, short enough not to lose a customer.
  addresses: { coolOff: '7d' },
  // Other transient outcomes. Postfix waits between 300s and 4000s, doubling, for up to 5 days
  // (minimal_backoff_time, maximal_backoff_time, maximal_queue_lifetime); KumoMTA starts at 20m,
  // doubles, and gives up after a week (retry_interval, max_age). Rebound makes only five
  // attempts, so it spaces them as KumoMTA does (20m, 40m, 80m, 160m ceilings, about 5h in all),
  // never waits less than Postfix's 5m floor however the jitter falls, caps a wait at 4h if a
  // rule raises the attempts, and stops at Postfix's 5 days.
  retry: {
    schedule: { initial: '20m', factor: 2, max: '4h', min: '5m', jitter: 'full' },
    maxAttempts: 5,
    maxAge: '5d',
  },
  rules: [
    // The seed: "451 4.3.2 System not accepting network messages" — retry after 1h, then 4h,
    // 12h and 24h later: five attempts over 41 hours.
    { id: 'seed/4.3.2', match: { enhanced: '4.3.2' }, retry: '1h,4h,12h,24h' },
    // The same condition reported without 4.3.2 ("452 System not accepting messages") when the
    // classifier calls it notaccept and the reply is transient.
    { id: 'seed/notaccept', match: { reason: 'notaccept', class: 'transient' }, retry: '1h,4h,12h,24h' },
    // Every other outcome the classifier says to try again: exponential backoff (retry section).
    { id: 'default/retryable', match: { retryable: true }, retry: true },
    // Everything else is final: hard bounces suppress the address, blocks tell the sender.
    { id: 'default/final', match: {}, retry: false },
  ],
  destinations: {
    // Postfix: default_destination_concurrency_limit 20, initial_destination_concurrency 5;
    // KumoMTA: max_deliveries_per_connection 1024. No rate limit unless a domain asks for one.
    default: { concurrency: 20, initialConcurrency: 5, messagesPerConnection: 1024, messagesPerMinute: null },
    // Postfix declares a destination dead when a whole cohort at its initial concurrency (5)
    // fails, and retries it after minimal_backoff_time (5m), backing off to maximal_backoff_time
    // (4000s); one probe then tests whether it is back.
    suspend: { after: 5, initial: '5m', factor: 2, max: '4000s', probes: 1 },
    domains: {},
  },
} satisfies PolicyFileInput;
