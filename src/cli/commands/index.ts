import type { Command } from 'commander';
import { registerReport } from './report.ts';
import { registerSegment } from './segment.ts';
import { registerTestReceiver } from './test-receiver.ts';
import { registerClassify } from './classify.ts';
import { registerExplain } from './explain.ts';
import { registerPolicy } from './policy.ts';
import { registerAddress } from './address.ts';
import { registerParse } from './parse.ts';
import { registerDestinations } from './destinations.ts';
import { registerServe } from './serve.ts';
import { registerToken } from './token.ts';
import { registerDemo } from './demo.ts';
import { registerBackup } from './backup.ts';
import { registerPrune } from './prune.ts';

/** Every CLI command, one file each; each registers itself on the program. Add a line per command. */
export const commands: Array<(program: Command) => void> = [
  registerTestReceiver,
  registerClassify,
  registerExplain,
  registerPolicy,
  registerAddress,
  registerParse,
  registerDestinations,
  registerServe,
  registerToken,
  registerDemo,
  registerReport,
  registerSegment,
  registerBackup,
  registerPrune,
];
