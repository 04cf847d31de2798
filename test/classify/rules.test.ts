import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClassifier, loadShippedRules, SHIPPED_STAGES, RuleFileError } from '../../src/classify/index.ts';
import { shippedRuleFile } from '../../src/classify/load-rules.ts';

test('the shipped rule files validate, with unique ids, in the documented stage order', () => {
  const rules = loadShippedRules();
  assert.ok(rules.length > 200, `only ${rules.length} rules`);
  assert.equal(new Set(rules.map((r) => r.id)).size, rules.length);
  const stages = [...new Set(rules.map((r) => r.stage))];
  assert.deepEqual(stages, SHIPPED_STAGES.filter((s) => rules.some((r) => r.stage === s)));
});

test('every shipped rule sits under a comment quoting the reply it was written for', () => {
  for (const stage of SHIPPED_STAGES) {
    const lines = readFileSync(shippedRuleFile(stage), 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (!/^\s*- id: /.test(line)) return;
      let j = i - 1;
      while (j >= 0 && /^\s*#/.test(lines[j]) && !/"/.test(lines[j])) j--;
      assert.ok(j >= 0 && /^\s*#.*"/.test(lines[j]), `${stage}.yaml:${i + 1} ${line.trim()} has no quoted reply above it`);
    });
  }
});

test('the DSN phrase file exists and is accepted even while empty', () => {
  const text = readFileSync(shippedRuleFile('dsn-texts'), 'utf8');
  assert.match(text, /^rules:/m);
});

function userFile(content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'rebound-rules-')), 'rules.yaml');
  writeFileSync(file, content);
  return file;
}

function loadError(content: string): RuleFileError {
  try {
    createClassifier({ rulesFile: userFile(content) });
  } catch (err) {
    assert.ok(err instanceof RuleFileError, `expected a RuleFileError, got ${err}`);
    return err;
  }
  assert.fail('a bad rule file was accepted');
}

test('a user rule with an unknown reason fails at load, naming the rule and the reason', () => {
  const err = loadError('rules:\n  - id: mine/full\n    reason: mailfull\n    text: ["over quota"]\n');
  assert.equal(err.ruleId, 'mine/full');
  assert.match(err.message, /unknown reason "mailfull"/);
});

test('a user rule with a bad or dangerous regex fails at load', () => {
  assert.match(loadError('rules:\n  - id: mine/bad-re\n    reason: blocked\n    pattern: "([a-z"\n').message, /mine\/bad-re: bad pattern/);
  assert.match(loadError('rules:\n  - id: mine/slow-re\n    reason: blocked\n    pattern: "(a+)+$"\n').message, /nested quantifier/);
  assert.match(loadError('rules:\n  - id: mine/backref\n    reason: blocked\n    pattern: "(a)\\\\1"\n').message, /back-reference/);
});

test('a rule with no condition, an unknown field, a bad code or a too-short phrase fails at load', () => {
  assert.match(loadError('rules:\n  - id: mine/empty\n    reason: blocked\n').message, /at least one condition/);
  assert.match(loadError('rules:\n  - id: mine/typo\n    reason: blocked\n    txt: ["x y z"]\n').message, /mine\/typo/);
  assert.match(loadError('rules:\n  - id: mine/code\n    reason: blocked\n    enhanced: ["5.7"]\n').message, /enhanced code/);
  assert.match(loadError('rules:\n  - id: mine/short\n    reason: blocked\n    text: ["ip"]\n').message, /fewer than 3/);
});

test('a user file that is not YAML, or lacks the rules list, fails at load with the file named', () => {
  assert.match(loadError('rules: [\n').message, /not valid YAML/);
  assert.match(loadError('- id: x\n').message, /"rules" list/);
});

test('user rules run before the shipped ones; an id of a shipped rule replaces or disables it', () => {
  const file = userFile([
    'rules:',
    '  # "550 5.7.1 Denied by ACME policy"',
    '  - id: acme/policy',
    '    reason: policyviolation',
    '    text: ["denied by acme"]',
    '  # "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org"',
    '  - id: generic/block-list',
    '    reason: badreputation',
    '    text: ["blocked using"]',
    '  - id: provider/gmail/no-such-user',
    '    disabled: true',
  ].join('\n'));
  const c = createClassifier({ rulesFile: file });
  assert.equal(c.rules[0].id, 'acme/policy');
  assert.equal(c.classify('550 5.7.1 Denied by ACME policy').rule, 'acme/policy');
  assert.equal(c.classify('554 5.7.1 Client host [192.0.2.1] blocked using zen.spamhaus.org').reason, 'badreputation');
  assert.notEqual(c.classify('550-5.1.1 The email account that you tried to reach does not exist.').rule, 'provider/gmail/no-such-user');
  assert.equal(c.rules.filter((r) => r.id === 'generic/block-list').length, 1);
});

test('rules given as data are validated like a file', () => {
  assert.throws(() => createClassifier({ rules: [{ id: 'x/y', reason: 'nope', text: ['abc'] }] }), RuleFileError);
  const c = createClassifier({ rules: [{ id: 'x/y', reason: 'filtered', text: ['acme says no'] }] });
  assert.equal(c.classify('550 ACME says no').reason, 'filtered');
});

test('conditions combine: a phrase rule limited to a class only fires for that class', () => {
  const c = createClassifier();
  assert.equal(c.classify('421-4.7.0 Our system has detected an unusual rate of unsolicited mail originating from your IP address.').reason, 'speeding');
  assert.equal(c.classify('550-5.7.1 Our system has detected an unusual rate of unsolicited mail originating from your IP address.').reason, 'blocked');
});

test('the nested-quantifier check refuses exponential shapes and accepts ordinary patterns', async () => {
  const { hasNestedQuantifier } = await import('../../src/classify/rule-schema.ts');
  for (const bad of ['(a+)+', '(\\w*x)*', '((ab)+c){2,}', '(?:x|y+)*z', '(a*)+$']) assert.equal(hasNestedQuantifier(bad), true, bad);
  for (const ok of ['(a+)?', '(ab)+', 'a+b*', '[(+)]+', '\\(a+\\)+', 'policy \\d{1,3}$', '(a{1,3})+', 'x(?:ab|cd)*y']) assert.equal(hasNestedQuantifier(ok), false, ok);
  assert.equal(hasNestedQuantifier('('.repeat(250) + 'a+' + ')+'.repeat(250)), true);
});
