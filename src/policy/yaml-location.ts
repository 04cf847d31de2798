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
