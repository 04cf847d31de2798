import type { Command } from 'commander';
import { stringify } from 'yaml';
import { classify } from '../../classify/index.ts';
import {
  describePolicy, describeSchedule, formatDuration, loadPolicyFile, matchRule, PolicyFileError, resolvePolicy, retryDelay,
  mayRetry, seededRandom, type Policy,
} from '../../policy/index.ts';
import { UsageError } from '../usage-error.ts';

/** `rebound policy check FILE | show | schedule CODE`: validate, print, and try out the retry policy. */
export function registerPolicy(program: Command): void {
  const policy = program.command('policy').description('the retry policy: check a file, show the effective policy, print a schedule');

  policy.command('check')
    .description('validate a policy file; errors name the key and the line')
    .argument('<file>', 'policy YAML file')
    .action((file: string) => {
      try {
        const p = loadPolicyFile(file);
        const own = p.rules.filter((r) => r.origin !== 'built-in').length;
        process.stdout.write(`${file}: ok (${own} rule${own === 1 ? '' : 's'} of yours before ${p.rules.length - own} built-in)\n`);
      } catch (err) {
        if (!(err instanceof PolicyFileError)) throw err;
        process.stderr.write(`${err.message}\n`);
        process.exitCode = 1;
      }
    });

  policy.command('show')
    .description('print the effective policy (your file over the built-in defaults)')
    .option('--policy <file>', 'policy file (default: $REBOUND_POLICY, else built-in)')
    .option('--json', 'print JSON')
    .action((opts: { policy?: string; json?: boolean }) => {
      const { policy: p, source } = load(opts.policy);
      const data = { source, ...describePolicy(p) };
      process.stdout.write(opts.json ? JSON.stringify(data, null, 2) + '\n' : stringify(data, { lineWidth: 0 }));
    });

  policy.command('schedule')
    .description('print the retry times the policy would use for a code or reply, e.g. 4.3.2')
    .argument('<code-or-reply...>', 'an enhanced code (4.3.2), a basic code (451) or a whole reply')
    .option('--policy <file>', 'policy file (default: $REBOUND_POLICY, else built-in)')
    .option('--domain <domain>', 'recipient domain, for rules that match on it', 'example.com')
    .option('--seed <n>', 'seed for the jitter sample', '1')
    .option('--json', 'print JSON')
    .action((words: string[], opts: { policy?: string; domain: string; seed: string; json?: boolean }) => {
      const input = words.join(' ').trim();
      const c = classify(input);
      if (c.basic === null && c.enhanced === null) throw new UsageError(`no SMTP code in ${JSON.stringify(input.slice(0, 80))}; give e.g. 4.3.2, 451 or a whole reply`);
      const seed = Number(opts.seed);
      if (!Number.isInteger(seed)) throw new UsageError(`--seed must be an integer, got ${opts.seed}`);
      const { policy: p } = load(opts.policy);
      const rule = matchRule(p, c, opts.domain.toLowerCase());
      const random = seededRandom(seed);
      const rows: Array<{ attempt: number; at: number; waitBefore: number | null; range: [number, number] | null }> = [{ attempt: 1, at: 0, waitBefore: null, range: null }];
      let at = 0;
      let stop = rule.schedule.kind === 'none' ? 'no retry: the first outcome is final' : `after attempt ${rule.maxAttempts} the delivery fails`;
      for (let n = 1; mayRetry(rule, n); n++) {
        const wait = retryDelay(rule.schedule, n, random)!;
        if (at + wait > rule.maxAge) {
          stop = `the next retry would pass the maximum age (${formatDuration(rule.maxAge)}): the delivery fails`;
          break;
        }
        at += wait;
        const range = rule.schedule.kind === 'backoff' && rule.schedule.jitter === 'full'
          ? [rule.schedule.min, Math.max(rule.schedule.min, Math.min(rule.schedule.max, rule.schedule.initial * rule.schedule.factor ** (n - 1)))] as [number, number]
          : null;
        rows.push({ attempt: n + 1, at, waitBefore: wait, range });
      }
      const success = c.class === 'success';
      if (opts.json) {
        process.stdout.write(JSON.stringify({ classification: c, rule: rule.id, from: rule.origin, retry: describeSchedule(rule.schedule), attempts: success ? [] : rows, stop }, null, 2) + '\n');
        return;
      }
      const out = [`${c.basic ?? ''} ${c.enhanced ?? ''} → ${c.class ?? 'no class'}, reason ${c.reason}${c.hardbounce ? ' (bad address)' : ''}`.trim()];
      if (success) {
        process.stdout.write(`${out[0]}\nA success: the delivery is delivered; no schedule.\n`);
        return;
      }
      out.push(`rule ${rule.id} (${rule.origin}): retry ${JSON.stringify(describeSchedule(rule.schedule))}`, '');
      out.push('attempt  at          wait before');
      for (const r of rows) {
        const wait = r.waitBefore === null ? '' : formatDuration(r.waitBefore) + (r.range ? `  (jitter: any of ${formatDuration(r.range[0])}–${formatDuration(r.range[1])})` : '');
        out.push(`${String(r.attempt).padEnd(9)}${('+' + (r.at === 0 ? '0' : formatDuration(r.at))).padEnd(12)}${wait}`);
      }
      out.push('', stop + '.');
      const last = c.hardbounce ? 'the address is suppressed (the reply says it does not exist)'
        : rule.schedule.kind === 'none' ? (c.type === 'block' ? 'the address stays active; the sender must fix something' : 'the address is unchanged')
          : rule.exhausted === 'unavailable' ? `the address becomes unavailable for ${formatDuration(p.coolOff)}, then active again` : 'the address is unchanged';
      out.push(`If the last attempt fails the same way, ${last}.`);
      process.stdout.write(out.join('\n') + '\n');
    });
}

function load(file: string | undefined): { policy: Policy; source: string } {
  try {
    return resolvePolicy(file);
  } catch (err) {
    if (err instanceof PolicyFileError) throw new UsageError(err.message);
    throw err;
  }
}
