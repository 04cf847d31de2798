import type { Command } from 'commander';
import { registerTestReceiver } from './test-receiver.ts';

/** Every CLI command, one file each; each registers itself on the program. Add a line per command. */
export const commands: Array<(program: Command) => void> = [
  registerTestReceiver,
];
