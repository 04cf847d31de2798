import { Command, CommanderError } from 'commander';
import { commands } from './commands/index.ts';
import { UsageError } from './usage-error.ts';

/**
 * Entry point of the `rebound` command. Returns the process exit code instead of calling
 * process.exit, so tests can call it in-process. Bad arguments exit with 2.
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('rebound')
    .description('Rebound: understands every SMTP outcome, retries soft bounces, suppresses hard ones.')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of commands) register(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version are "errors" to commander but a success to the user
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`rebound: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`rebound: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
