import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { keyOf, locate, yamlProblem } from './yaml-location.ts';
import { policyFileSchema } from './schema.ts';
import { compilePolicy, PolicyError } from './compile-policy.ts';
import type { Policy } from './types.ts';

export { PolicyError };

/** One thing wrong with a policy file, located. */
export interface PolicyIssue {
  /** "rules[2].retry" */
  key: string;
  line: number | null;
  column: number | null;
  message: string;
}

/** A policy file that does not load: every issue found, each naming its key and line. */
export class PolicyFileError extends PolicyError {
  override name = 'PolicyFileError';
  constructor(readonly file: string, readonly issues: PolicyIssue[]) {
    super(issues.map((i) => `${file}${i.line ? `:${i.line}:${i.column}` : ''}: ${i.key ? `${i.key}: ` : ''}${i.message}`).join('\n'));
  }
}

const MAX_POLICY_BYTES = 1 << 20;


/** Parses and validates policy YAML; `file` names it in errors. An empty text is the built-in policy. */
export function loadPolicyText(text: string, file = 'policy'): Policy {
  if (Buffer.byteLength(text) > MAX_POLICY_BYTES) throw new PolicyFileError(file, [{ key: '', line: null, column: null, message: `larger than ${MAX_POLICY_BYTES} bytes` }]);
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new PolicyFileError(file, doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      return { key: '', line: pos?.line ?? null, column: pos?.col ?? null, message: `not valid YAML: ${yamlProblem(e).what}` };
    }));
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (err) {
    throw new PolicyFileError(file, [{ key: '', line: null, column: null, message: `YAML: ${(err as Error).message}` }]);
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new PolicyFileError(file, [{ key: '', line: 1, column: 1, message: 'the policy must be a mapping (key: value)' }]);
  }
  const parsed = policyFileSchema.safeParse(data);
  if (!parsed.success) {
    throw new PolicyFileError(file, parsed.error.issues.map((i) => {
      const path = i.code === 'unrecognized_keys' ? [...i.path, i.keys[0]!] : i.path;
      const at = locate(doc, lc, path);
      return { key: keyOf(path), line: at?.line ?? null, column: at?.column ?? null, message: i.message };
    }));
  }
  const origins = (parsed.data.rules ?? []).map((_, i) => `${file}:${locate(doc, lc, ['rules', i])?.line ?? '?'}`);
  try {
    return compilePolicy(parsed.data, origins);
  } catch (err) {
    if (err instanceof PolicyError) {
      const at = err.path.length > 0 ? locate(doc, lc, err.path) : null;
      throw new PolicyFileError(file, [{ key: keyOf(err.path), line: at?.line ?? null, column: at?.column ?? null, message: err.message }]);
    }
    throw err;
  }
}

/** Reads a policy file; a missing or unreadable file is an error, not the defaults. */
export function loadPolicyFile(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new PolicyFileError(path, [{ key: '', line: null, column: null, message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }]);
  }
  return loadPolicyText(text, path);
}
