/**
 * A JSON.stringify replacer that writes the store's epoch-millisecond times as ISO 8601, as the
 * HTTP API does, so `--json` from the CLI and a GET of the same record read alike. Time fields are
 * known by name: `at`, `until`, and anything ending in `At` or `Until`.
 */
export function isoTimes(key: string, value: unknown): unknown {
  if (typeof value === 'number' && (key === 'at' || key === 'until' || /[a-z](?:At|Until)$/.test(key))) return new Date(value).toISOString();
  return value;
}
