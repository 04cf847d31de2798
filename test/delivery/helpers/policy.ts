import { stringify } from 'yaml';
import { loadPolicyText } from '../../../src/policy/index.ts';
import type { Policy } from '../../../src/policy/types.ts';

/** A policy with this `destinations` section, through the real policy loader. */
export function policyWith(destinations: Record<string, unknown>): Policy {
  return loadPolicyText(stringify({ destinations }), 'test-policy.yaml');
}
