/**
 * One SQL statement with the named parameters it takes (`@name` in the text). SQLite binds them
 * by name; a PostgreSQL store rewrites `@name` to `$n` in the order of `params` (`toNumbered`).
 * The statements are plain SQL both databases run: no triggers, no stored procedures.
 */
export interface Statement {
  readonly name: string;
  readonly params: readonly string[];
  readonly sql: string;
}

export function statement(name: string, params: readonly string[], sql: string): Statement {
  return { name, params, sql: sql.trim() };
}

/** The `@name`s a statement's text uses, in order of first use. */
export function namedParams(sql: string): string[] {
  const seen: string[] = [];
  for (const m of sql.matchAll(/@([A-Za-z_][A-Za-z0-9_]*)/g)) if (!seen.includes(m[1]!)) seen.push(m[1]!);
  return seen;
}

/** PostgreSQL form: `@name` → `$1…$n` numbered by `params`, and the values in that order. */
export function toNumbered(s: Statement, values: Record<string, unknown>): { text: string; values: unknown[] } {
  const text = s.sql.replace(/@([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
    const i = s.params.indexOf(name);
    if (i < 0) throw new Error(`statement ${s.name} uses @${name}, which is not among its parameters`);
    return `$${i + 1}`;
  });
  return { text, values: s.params.map((p) => values[p] ?? null) };
}
