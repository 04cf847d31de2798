import type { Command } from 'commander';
import { defaultClassifier } from '../../classify/index.ts';
import { explain } from '../../classify/explain.ts';
import type { Explanation } from '../../classify/explain.ts';
import { UsageError } from '../usage-error.ts';

/** `rebound explain 4.3.2` or `rebound explain "451 4.3.2 …"`: what the code means and what to do. */
export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description('explain an enhanced status code or a whole reply: what each number means, bounce type, retry schedule, causes, what to do')
    .argument('<code-or-reply...>', 'e.g. 4.3.2, or "451 4.3.2 System not accepting network messages"')
    .option('--json', 'print one JSON object')
    .action((words: string[], opts: { json?: boolean }) => {
      const input = words.join(' ').trim();
      if (input === '') throw new UsageError('give a code such as 4.3.2 or a whole reply');
      const e = explain(defaultClassifier(), input);
      if (e.classification.basic === null && e.classification.enhanced === null && e.classification.reason === 'undefined') {
        throw new UsageError(`no SMTP code or known reply text in ${JSON.stringify(input.slice(0, 80))}; give a code such as 4.3.2 or a whole reply`);
      }
      process.stdout.write(opts.json ? JSON.stringify(e) + '\n' : render(e));
    });
}

function render(e: Explanation): string {
  const c = e.classification;
  const head = c.enhanced
    ? `${c.basic !== null ? `${c.basic} ` : ''}${c.enhanced}${e.title ? `: ${e.title}` : ''}`
    : `${c.basic ?? ''} ${c.text}`.trim();
  const out: string[] = [head, ''];
  if (e.digits.length > 0) {
    out.push('What the numbers mean:');
    for (const d of e.digits) out.push(`  ${d.value.padEnd(4)}${d.part}: ${d.title}. ${d.description}`);
    out.push('');
  }
  out.push(`Bounce type:  ${e.bounceType}`);
  out.push(`Reason:       ${c.reason}${c.hardbounce ? ' (the address itself is bad)' : ''}`);
  out.push(`Category:     ${e.category}`);
  out.push(`Action:       ${c.action}`);
  out.push(`Retry:        ${e.retry.retry ? 'yes: ' : ''}${e.retry.schedule}`);
  if (e.causes.length > 0) {
    out.push('', 'Common causes:');
    e.causes.forEach((x, i) => out.push(`  ${i + 1}. ${x}`));
  }
  out.push('', 'What to do:');
  e.whatToDo.forEach((x, i) => out.push(`  ${i + 1}. ${x}`));
  out.push('', `(decided by rule ${c.rule})`);
  return out.join('\n') + '\n';
}
