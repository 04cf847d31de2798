import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { classify, REASONS } from '../../src/classify/index.ts';

interface Fixture {
  reply: string;
  reason: string;
  type: string;
  action: string;
  source: string;
}

const fixtures: Fixture[] = readFileSync(new URL('../fixtures/replies.jsonl', import.meta.url), 'utf8')
  .split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));

test('the fixture set holds at least 200 distinct real-world replies, each with a source', () => {
  assert.ok(fixtures.length >= 200, `only ${fixtures.length}`);
  assert.equal(new Set(fixtures.map((f) => f.reply)).size, fixtures.length);
  for (const f of fixtures) {
    assert.ok((REASONS as readonly string[]).includes(f.reason), f.reason);
    assert.ok(f.source.length > 0);
  }
});

test('the fixtures cover every provider and MTA the classifier claims to know', () => {
  const sources = fixtures.map((f) => `${f.source} ${f.reply}`.toLowerCase()).join('\n');
  for (const name of ['google', 'microsoft', 'outlook', 'yahoo', 'aol', 'apple', 'comcast', 'gmx', 'web.de', 'mail.ru', 'yandex', 'zoho', 'proofpoint', 'mimecast', 'barracuda', 'asyncos', 'postfix', 'exim', 'sendmail', 'qmail', 'exchange']) {
    assert.ok(sources.includes(name), `no fixture from ${name}`);
  }
});

test('every fixture reply gets its expected reason, type and action', () => {
  const wrong: string[] = [];
  for (const f of fixtures) {
    const c = classify(f.reply);
    if (c.reason !== f.reason || c.type !== f.type || c.action !== f.action) {
      wrong.push(`${JSON.stringify(f.reply.slice(0, 90))}: expected ${f.reason}/${f.type}/${f.action}, got ${c.reason}/${c.type}/${c.action} (rule ${c.rule})`);
    }
  }
  assert.deepEqual(wrong, []);
});
