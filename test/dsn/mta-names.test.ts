import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { MARK_NAMES } from '../../src/dsn/detect-mta.ts';
import { FALLBACK_FORMATS, FORMATS } from '../../src/dsn/formats/index.ts';
import { parseBounce } from '../../src/dsn/index.ts';

const doc = readFileSync(new URL('../../docs/bounce-parsing.md', import.meta.url), 'utf8');
const section = doc.slice(doc.indexOf('### The `mta` field'), doc.indexOf('## Status, diagnostic and reason'));
const documented = new Set([...section.matchAll(/^\| ([^|]+) \|/gm)].flatMap((m) => [...m[1]!.matchAll(/`([a-z0-9-]+)`/g)].map((n) => n[1]!)));

test('docs/bounce-parsing.md lists every mta value the marks and formats can give', () => {
  const names = new Set([...MARK_NAMES, ...FORMATS.map((f) => f.name), ...FALLBACK_FORMATS.map((f) => f.name), 'verp']);
  assert.deepEqual([...names].filter((n) => !documented.has(n)).sort(), []);
});

test('every mta the parser gives over the fixtures is a documented value', () => {
  const dir = new URL('../fixtures/dsn/', import.meta.url);
  const seen = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.eml'))) {
    const mta = parseBounce(readFileSync(new URL(file, dir))).mta;
    if (mta !== null) seen.add(mta);
  }
  assert.ok(seen.size >= 15, `only ${seen.size} values seen`);
  assert.deepEqual([...seen].filter((n) => !documented.has(n)).sort(), []);
});
