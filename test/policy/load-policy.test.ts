import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadPolicyText, loadPolicyFile, PolicyFileError } from '../../src/policy/load-policy.ts';
import { destinationLimits } from '../../src/policy/compile-policy.ts';
import { matchRule } from '../../src/policy/match-rule.ts';
import { classification } from '../engine/helpers.ts';

const H = 3_600_000;

function issues(text: string): PolicyFileError {
  try {
    loadPolicyText(text, 'p.yaml');
  } catch (err) {
    assert.ok(err instanceof PolicyFileError, `expected PolicyFileError, got ${String(err)}`);
    return err;
  }
  assert.fail(`accepted:\n${text}`);
}

test('an empty file is the built-in policy: seed rules, then the retryable and final fallbacks', () => {
  const p = loadPolicyText('');
  assert.deepEqual(p.rules.map((r) => r.id), ['seed/4.3.2', 'seed/notaccept', 'default/retryable', 'default/final']);
  assert.equal(p.coolOff, 7 * 24 * H);
  assert.equal(p.delayWarning, null);
  assert.deepEqual(p.destinations.default, { concurrency: 20, initialConcurrency: 5, messagesPerConnection: 1024, messagesPerMinute: null });
});

test('user rules go before the built-in ones and win when they match', () => {
  const p = loadPolicyText([
    'rules:',
    '  - id: slow-corp',
    '    match: { enhanced: "4.3.2", domain: "*.corp.example" }',
    '    retry: "2h*3"',
  ].join('\n'), 'p.yaml');
  const c = classification('451 4.3.2 System not accepting network messages', 'notaccept');
  assert.equal(matchRule(p, c, 'mail.corp.example').id, 'slow-corp');
  assert.equal(matchRule(p, c, 'corp.example').id, 'seed/4.3.2', '*.corp.example is subdomains only');
  assert.equal(matchRule(p, c, 'other.example').id, 'seed/4.3.2');
  assert.equal(p.rules[0]!.origin, 'p.yaml:2');
});

test('rules match by enhanced prefix, basic pattern, reason, class and bad-address flag', () => {
  const p = loadPolicyText([
    'rules:',
    '  - { id: greylist, match: { enhanced: "4.7.*", reason: [blocked, policyviolation] }, retry: "5m,10m" }',
    '  - { id: four-fifty, match: { basic: "45x" }, retry: "30m" }',
    '  - { id: bad-transient, match: { hardbounce: true, class: transient }, retry: "1h", maxAttempts: 2 }',
    '  - { id: retry-full-mailbox, match: { enhanced: "5.2.2" }, retry: "6h*3" }',
  ].join('\n'));
  const pick = (reply: string, reason: Parameters<typeof classification>[1]) => matchRule(p, classification(reply, reason), 'x.example').id;
  assert.equal(pick('450 4.7.1 Greylisted', 'blocked'), 'greylist');
  assert.equal(pick('450 4.7.1 Greylisted', 'speeding'), 'four-fifty');
  assert.equal(pick('452 4.2.2 Mailbox full', 'mailboxfull'), 'four-fifty');
  assert.equal(pick('421 4.1.1 user unknown', 'userunknown'), 'bad-transient');
  assert.equal(pick('552 5.2.2 Mailbox full', 'mailboxfull'), 'retry-full-mailbox');
  assert.equal(pick('550 5.1.1 No such user', 'userunknown'), 'default/final');
});

test('scalars in the file replace the defaults; destination overrides inherit the rest', () => {
  const p = loadPolicyText([
    'delayWarning: 4h',
    'addresses: { coolOff: 3d }',
    'retry: { schedule: "10m,20m", maxAge: 2d }',
    'destinations:',
    '  default: { concurrency: 10 }',
    '  suspend: { after: 3 }',
    '  domains:',
    '    gmail.com: { messagesPerMinute: 600 }',
    '    "*.outlook.com": { concurrency: 4, initialConcurrency: 2 }',
  ].join('\n'));
  assert.equal(p.delayWarning, 4 * H);
  assert.equal(p.coolOff, 72 * H);
  const retryable = p.rules.find((r) => r.id === 'default/retryable')!;
  assert.deepEqual(retryable.schedule, { kind: 'intervals', intervals: [600_000, 1_200_000] });
  assert.equal(retryable.maxAge, 48 * H);
  assert.deepEqual(destinationLimits(p, 'gmail.com'), { concurrency: 10, initialConcurrency: 5, messagesPerConnection: 1024, messagesPerMinute: 600 });
  assert.equal(destinationLimits(p, 'eur.mail.outlook.com').concurrency, 4);
  assert.equal(destinationLimits(p, 'example.org').concurrency, 10);
  assert.equal(p.destinations.suspend.after, 3);
  assert.equal(p.destinations.suspend.initial, 300_000);
});

test('a bad schedule is an error naming the key and the line', () => {
  const e = issues('rules:\n  - id: a\n    match: { enhanced: "4.7.*" }\n    retry: "1h,x"\n');
  assert.equal(e.issues.length, 1);
  assert.deepEqual({ key: e.issues[0]!.key, line: e.issues[0]!.line }, { key: 'rules[0].retry', line: 4 });
  assert.match(e.message, /^p\.yaml:4:\d+: rules\[0\]\.retry: .*"x"/);
});

test('every problem in a file is reported, each at its own line', () => {
  const e = issues([
    'delayWarning: soon',          // 1
    'rules:',                      // 2
    '  - match:',                  // 3
    '      reason: nope',          // 4
    '      enhanced: "4.*.1"',     // 5
    '    retry: { initial: 10m, max: 1m }', // 6
    '    colour: blue',            // 7
  ].join('\n'));
  const byKey = Object.fromEntries(e.issues.map((i) => [i.key, i.line]));
  assert.equal(byKey['delayWarning'], 1);
  assert.equal(byKey['rules[0].match.reason'], 4);
  assert.equal(byKey['rules[0].match.enhanced'], 5);
  assert.equal(byKey['rules[0].retry.max'], 6);
  assert.equal(byKey['rules[0].colour'], 7);
  assert.match(e.message, /unknown reason "nope"/);
});

test('a concurrency below the built-in start of 5 needs no initialConcurrency: the start is capped at it', () => {
  const p = loadPolicyText('destinations:\n  default: { concurrency: 2 }\n  domains:\n    "*.outlook.com": { concurrency: 4 }\n    slow.example: { concurrency: 1 }\n', 'p.yaml');
  assert.deepEqual([p.destinations.default.concurrency, p.destinations.default.initialConcurrency], [2, 2]);
  assert.deepEqual([destinationLimits(p, 'eu.outlook.com').concurrency, destinationLimits(p, 'eu.outlook.com').initialConcurrency], [4, 2]);
  assert.equal(destinationLimits(p, 'slow.example').initialConcurrency, 1);
  // a start written above the concurrency of the same entry is still a mistake, reported with the rest
  const e = issues('destinations:\n  default:\n    concurrency: 3\n    initialConcurrency: 8\n    colour: red\n');
  const byKey = Object.fromEntries(e.issues.map((i) => [i.key, i.line]));
  assert.equal(byKey['destinations.default.initialConcurrency'], 4);
  assert.equal(byKey['destinations.default.colour'], 5);
});

test('problems found after the schema (a duplicate rule id, suspend.max below suspend.initial) name their key and line', () => {
  const dup = issues('rules:\n  - id: a\n    retry: false\n  - id: a\n    retry: false\n');
  assert.deepEqual([dup.issues[0]!.key, dup.issues[0]!.line], ['rules[1].id', 4]);
  assert.match(dup.message, /^p\.yaml:4:\d+: rules\[1\]\.id: "a" is used by an earlier rule/);
  const suspend = issues('destinations:\n  suspend:\n    initial: 2h\n    max: 30m\n');
  assert.deepEqual([suspend.issues[0]!.key, suspend.issues[0]!.line], ['destinations.suspend.max', 4]);
  assert.match(suspend.message, /suspend\.max \(30m\) is shorter than suspend\.initial \(2h\)/);
});

test('a YAML syntax error names its line', () => {
  const e = issues('rules:\n  - id: a\n    retry: [1h,\nfoo: }\n');
  assert.ok(e.issues[0]!.line! >= 3, JSON.stringify(e.issues));
  assert.match(e.message, /YAML/);
});

test('structural mistakes are errors, not defaults', () => {
  assert.match(issues('- just\n- a list\n').message, /mapping/);
  assert.match(issues('rules:\n  - { id: a, retry: false }\n  - { id: a, retry: false }\n').message, /p\.yaml:3:\d+: rules\[1\]\.id: "a" is used by an earlier rule \(p\.yaml:2\)/);
  assert.match(issues('destinations:\n  default: { concurrency: 2, initialConcurrency: 5 }\n').message, /initialConcurrency/);
  assert.match(issues('rules:\n  - { retry: 5 }\n').message, /expected false, true, an interval string/);
  assert.match(issues('rules:\n  - { retry: "1h", match: { basic: 99 } }\n').message, /rules\[0\]\.match\.basic/);
  assert.match(issues('addresses: { coolOff: -1 }\n').message, /addresses\.coolOff/);
  assert.match(issues('a: 1\na: 2\n').message, /YAML/);
});

test('a missing file is an error naming it', () => {
  assert.throws(() => loadPolicyFile('/nonexistent/policy.yaml'), (err: unknown) => err instanceof PolicyFileError && /nonexistent\/policy\.yaml: cannot read: ENOENT/.test(err.message));
});

test('alias bombs and huge files are refused instead of hanging', () => {
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 0; i < 12; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`);
  assert.throws(() => loadPolicyText(bomb.join('\n')), PolicyFileError);
  assert.throws(() => loadPolicyText('#'.repeat(2 << 20)), /larger than/);
});

test('any text either loads or fails with PolicyFileError', () => {
  const yamlish = fc.stringMatching(/^[a-zA-Z0-9:{}\[\],"'\-*&!|>#. \n]{0,120}$/);
  const structured = fc.record({
    delayWarning: fc.oneof(fc.constant('off'), fc.string({ maxLength: 8 }), fc.integer()),
    rules: fc.array(fc.record({ match: fc.dictionary(fc.constantFrom('enhanced', 'reason', 'basic', 'domain', 'x'), fc.string({ maxLength: 6 })), retry: fc.oneof(fc.boolean(), fc.string({ maxLength: 12 })) }), { maxLength: 3 }),
  }, { requiredKeys: [] }).map((o) => JSON.stringify(o));
  fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 200 }), yamlish, structured), (text) => {
    try {
      const p = loadPolicyText(text);
      assert.equal(p.rules.at(-1)!.id, 'default/final');
    } catch (err) {
      assert.ok(err instanceof PolicyFileError, `${String(err)} for ${JSON.stringify(text)}`);
    }
  }), { numRuns: 1500 });
});

test('a backoff object may leave out any key, like every key of a policy file: the built-in values fill in', () => {
  const p = loadPolicyText('retry: { schedule: { initial: 30m } }\n');
  assert.deepEqual(p.rules.find((r) => r.id === 'default/retryable')!.schedule, { kind: 'backoff', initial: 30 * 60_000, factor: 2, max: 4 * 3_600_000, min: 5 * 60_000, jitter: 'full' });
  const long = loadPolicyText('rules:\n  - id: slow\n    match: { enhanced: "4.2.2" }\n    retry: { initial: 6h }\n');
  assert.deepEqual(long.rules[0]!.schedule, { kind: 'backoff', initial: 6 * 3_600_000, factor: 2, max: 6 * 3_600_000, min: 5 * 60_000, jitter: 'full' });
});

test('a rule without retry takes the file\'s retry schedule, as retry: true does', () => {
  const p = loadPolicyText([
    'retry: { schedule: { initial: 30m, max: 2h }, maxAttempts: 4 }',
    'rules:',
    '  - id: only-limits',
    '    match: { reason: mailboxfull }',
    '    maxAttempts: 2',
    '  - id: said-true',
    '    match: { reason: exceedlimit }',
    '    retry: true',
  ].join('\n'), 'p.yaml');
  const [left, said] = p.rules;
  assert.deepEqual(left!.schedule, said!.schedule);
  assert.equal(left!.schedule.kind, 'backoff');
  assert.equal(left!.maxAttempts, 2);
  assert.equal(said!.maxAttempts, 4);
});
