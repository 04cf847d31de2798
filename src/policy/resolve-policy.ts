import { defaultPolicy } from './compile-policy.ts';
import { loadPolicyFile } from './load-policy.ts';
import type { Policy } from './types.ts';

/** The policy a command or server runs with: `--policy FILE`, else $REBOUND_POLICY, else the built-in one. */
export function resolvePolicy(flag?: string, env: NodeJS.ProcessEnv = process.env): { policy: Policy; source: string } {
  const path = flag ?? env.REBOUND_POLICY;
  if (path) return { policy: loadPolicyFile(path), source: path };
  return { policy: defaultPolicy(), source: 'built-in' };
}
