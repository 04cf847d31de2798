import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { csvCell, csvLine } from '../../src/metrics/csv.ts';
import { MetricsQueryError, parseMetricsQuery } from '../../src/metrics/query.ts';

test('cells a spreadsheet would evaluate get a leading apostrophe; quotes, commas and newlines are quoted', () => {
  assert.equal(csvCell('=HYPERLINK("http://x")'), `"'=HYPERLINK(""http://x"")"`);
  for (const lead of ['=', '+', '-', '@', '\t', '\r']) assert.ok(csvCell(`${lead}1+1`).replace(/^"/, '').startsWith(`'${lead}`), JSON.stringify(lead));
  assert.equal(csvCell("'=1"), "'=1", 'a text already led by an apostrophe is not a formula and keeps its own');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('plain@example.org'), 'plain@example.org');
  assert.equal(csvCell(-5), '-5');
  assert.equal(csvCell(null), '');
  assert.equal(csvLine(['a', 1, null]), 'a,1,\r\n');
});

test('any string becomes one CSV cell that parses back to the (defused) text and never starts a formula', () => {
  fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => {
    const cell = csvCell(s);
    const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
    assert.ok(!/^[=+\-@\t\r]/.test(unquoted));
    // exactly the text, with one apostrophe in front when it would start a formula (a text that
    // already starts with an apostrophe, such as "'=", is left as it is)
    assert.equal(unquoted, /^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
  }), { numRuns: 500 });
});

test('the metrics query parser rejects garbage with a clear error and never throws anything else', () => {
  const now = Date.UTC(2026, 0, 10);
  fc.assert(fc.property(fc.dictionary(fc.constantFrom('from', 'to', 'enhanced', 'reason', 'domain', 'tz', 'bucket', 'kind', 'format', 'limit', 'junk'), fc.string({ maxLength: 300 })), (q) => {
    try {
      const parsed = parseMetricsQuery(q, now);
      assert.ok(parsed.from < parsed.to);
    } catch (err) {
      assert.ok(err instanceof MetricsQueryError, String(err));
    }
  }), { numRuns: 1000 });
  assert.throws(() => parseMetricsQuery({ from: 'x'.repeat(100_000) }, now), MetricsQueryError);
  assert.throws(() => parseMetricsQuery({ from: ['a', 'b'] }, now), MetricsQueryError);
  const d = parseMetricsQuery({}, now);
  assert.deepEqual([d.from, d.to, d.format, d.kind], [now - 7 * 86_400_000, now, 'json', 'touched']);
});
