import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = new URL('../../bin/rebound', import.meta.url).pathname;
const run = (args: string[], input?: string) => spawnSync(bin, args, { encoding: 'utf8', input, timeout: 60_000 });

test('rebound classify prints a readable answer for a 4.3.2 reply', () => {
  const r = run(['classify', '451 4.3.2 System not accepting network messages']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /class\s+transient \(basic 451, enhanced 4\.3\.2\)/);
  assert.match(r.stdout, /reason\s+notaccept/);
  assert.match(r.stdout, /action\s+retry/);
});

test('rebound classify --json prints one JSON object with the contract fields', () => {
  const r = run(['classify', '--json', '550 5.1.1 <jane@example.org>: Recipient address rejected: User unknown']);
  assert.equal(r.status, 0, r.stderr);
  const c = JSON.parse(r.stdout);
  assert.equal(c.basic, 550);
  assert.equal(c.enhanced, '5.1.1');
  assert.equal(c.class, 'permanent');
  assert.equal(c.type, 'hard');
  assert.equal(c.reason, 'userunknown');
  assert.equal(c.hardbounce, true);
  assert.equal(c.retryable, false);
  assert.equal(c.action, 'suppress');
  assert.equal(c.recipient, 'jane@example.org');
  assert.equal(typeof c.rule, 'string');
});

test('rebound classify --jsonl answers every input line in order, and a bad line gets an error and the run goes on', () => {
  const input = [
    JSON.stringify({ reply: '451 4.3.2 System not accepting network messages', id: 'a' }),
    'this is not json',
    JSON.stringify({ noreply: true }),
    JSON.stringify({ reply: 'User unknown' }),
    JSON.stringify({ reply: '250 2.0.0 OK' }),
  ].join('\n') + '\n';
  const r = run(['classify', '--jsonl'], input);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 5);
  assert.equal(lines[0].reason, 'notaccept');
  assert.equal(lines[0].basic, 451);
  assert.match(lines[1].error, /not JSON/);
  assert.equal(lines[1].line, 2);
  assert.match(lines[2].error, /reply/);
  assert.equal(lines[3].reason, 'userunknown');
  assert.equal(lines[3].basic, null);
  assert.equal(lines[3].enhanced, null);
  assert.equal(lines[3].recipient, null);
  assert.equal(lines[4].reason, 'delivered');
});

test('rebound explain 4.3.2 prints the digits, the seed schedule, causes and what to do', () => {
  const r = run(['explain', '4.3.2']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /4\s+class: Persistent Transient Failure/);
  assert.match(r.stdout, /3\s+subject: Mail System Status/);
  assert.match(r.stdout, /2\s+detail: System not accepting network messages/);
  assert.match(r.stdout, /Bounce type:\s+Soft bounce/);
  assert.match(r.stdout, /Category:\s+Technical/);
  assert.match(r.stdout, /1 h after the bounce, then 4 h, 12 h and 24 h/);
  assert.match(r.stdout, /Server maintenance/);
});

test('rebound explain takes a whole reply, and other transient codes get exponential backoff', () => {
  const r = run(['explain', '421 4.7.0 Try again later, closing connection']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /exponential backoff with jitter \(the built-in policy: 5 attempts within 5 days/);
  const hard = run(['explain', '550 5.1.1 <jane@example.org>: Recipient address rejected: User unknown']);
  assert.match(hard.stdout, /Hard bounce/);
  assert.match(hard.stdout, /no: suppress the address/);
});

test('bad arguments are a clear message and exit code 2', () => {
  const none = run(['classify']);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /give a reply to classify/);
  const both = run(['classify', '--json', '--jsonl']);
  assert.equal(both.status, 2);
  const nonsense = run(['explain', 'nothing to see']);
  assert.equal(nonsense.status, 2);
  assert.match(nonsense.stderr, /no SMTP code/);
});

test('a broken user rule file stops classify with exit code 2, naming the rule', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-rules-'));
  const file = join(dir, 'rules.yaml');
  writeFileSync(file, 'rules:\n  - id: my/typo\n    reason: mailfull\n    text: ["quota"]\n');
  const r = run(['classify', '--rules', file, '552 over quota']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /my\/typo/);
  assert.match(r.stderr, /unknown reason "mailfull"/);
});

test('a user rule file overrides the shipped rules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-rules-'));
  const file = join(dir, 'rules.yaml');
  writeFileSync(file, '# "550 5.7.1 Go away, ACME filter"\nrules:\n  - id: acme/filter\n    reason: filtered\n    text: ["acme filter"]\n');
  const r = run(['classify', '--json', '--rules', file, '550 5.7.1 Go away, ACME filter']);
  assert.equal(r.status, 0, r.stderr);
  const c = JSON.parse(r.stdout);
  assert.equal(c.reason, 'filtered');
  assert.equal(c.rule, 'acme/filter');
});

test('rebound classify --check validates the rules without classifying anything', () => {
  const ok = run(['classify', '--check']);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^\d+ rules valid \(provider-texts \d+/);
  const dir = mkdtempSync(join(tmpdir(), 'rebound-rules-'));
  const file = join(dir, 'rules.yaml');
  writeFileSync(file, 'rules:\n  - id: my/bad\n    reason: blocked\n    pattern: "(x+)+y"\n');
  const bad = run(['classify', '--check', '--rules', file]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /my\/bad: pattern has a nested quantifier/);
});
