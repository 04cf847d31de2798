import type { Command } from 'commander';

/** Every CLI command, one file each; each registers itself on the program. Add a line per command. */
export const commands: Array<(program: Command) => void> = [
];
