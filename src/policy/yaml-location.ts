import { isNode, type Document, type LineCounter } from 'yaml';

// Where a problem in a YAML settings file is, for messages a person can act on: the policy file
// and the webhooks file both name the key and its line.

/** `rules[2].retry` from a zod issue path. */
export function keyOf(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

/** The line of the deepest node that exists on `path` (a missing key points at its parent). */
export function locate(doc: Document, lc: LineCounter, path: ReadonlyArray<PropertyKey>): { line: number; column: number } | null {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true);
    if (isNode(node) && node.range) {
      const { line, col } = lc.linePos(node.range[0]);
      return { line, column: col };
    }
  }
  return null;
}

/**
 * A YAML syntax error as a person reads it: the yaml package's first line without its trailing
 * " at line 3, column 1:" (which promised a code frame the one-line messages dropped), and the
 * position apart, so callers write `file:line:column: what`.
 */
export function yamlProblem(err: { message: string; linePos?: ReadonlyArray<{ line: number; col: number }> }): { what: string; line: number | null; column: number | null } {
  const first = err.message.split('\n')[0] ?? '';
  const what = first.replace(/ at line \d+, column \d+:?\s*$/, '').replace(/:\s*$/, '');
  const pos = err.linePos?.[0];
  const m = /at line (\d+), column (\d+)/.exec(first);
  return { what, line: pos?.line ?? (m ? Number(m[1]) : null), column: pos?.col ?? (m ? Number(m[2]) : null) };
}

/** `file:3:1: what` (or `file: what` with no position). */
export function yamlProblemText(file: string, err: { message: string; linePos?: ReadonlyArray<{ line: number; col: number }> }): string {
  const p = yamlProblem(err);
  return `${file}${p.line === null ? '' : `:${p.line}:${p.column}`}: not valid YAML: ${p.what}`;
}
