import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ScriptError, behaviourAt, parseReplyText, parseScript } from '../../src/delivery/test-receiver/index.ts';

describe('receiver scripts', () => {
  test('an empty script accepts everything', () => {
    const s = parseScript('');
    assert.equal(behaviourAt(s, 0).rcpt, 'accept');
    assert.equal(behaviourAt(s, 0).greeting, 'accept');
    assert.equal(behaviourAt(s, 0).greylist, null);
  });

  test('JSON is read as well as YAML', () => {
    const s = parseScript('{"rcpt": "451 4.3.2 busy", "greylist": true}');
    assert.deepEqual(behaviourAt(s, 0).rcpt, { code: 451, lines: ['4.3.2 busy'] });
    assert.equal(behaviourAt(s, 0).greylist?.retryAfterMs, 0);
  });

  test('a timeline step overlays the base until its time, then the base applies again', () => {
    const s = parseScript([
      'message: 250 2.0.0 queued',
      'timeline:',
      '  - until: 1h',
      '    greeting: 421 4.3.2 down',
      '  - until: 5h',
      '    rcpt: 451 4.3.2 not yet',
    ].join('\n'));
    assert.deepEqual(behaviourAt(s, 0).greeting, { code: 421, lines: ['4.3.2 down'] });
    assert.equal(behaviourAt(s, 0).rcpt, 'accept');
    assert.equal(behaviourAt(s, 3_600_000).greeting, 'accept');
    assert.deepEqual(behaviourAt(s, 3_600_000).rcpt, { code: 451, lines: ['4.3.2 not yet'] });
    assert.equal(behaviourAt(s, 5 * 3_600_000).rcpt, 'accept');
    assert.deepEqual(behaviourAt(s, 5 * 3_600_000).message, { code: 250, lines: ['2.0.0 queued'] });
  });

  test('recipient keys are matched case-insensitively', () => {
    const s = parseScript('recipients: { "Bob@Example.TEST": "550 5.1.1 unknown" }');
    assert.ok(behaviourAt(s, 0).recipients['bob@example.test']);
  });

  test('errors name the field that is wrong', () => {
    assert.throws(() => parseScript('rcpt: 99 nonsense'), (e: unknown) => e instanceof ScriptError && /rcpt: expected accept, stall, drop or a reply/.test(e.message));
    assert.throws(() => parseScript('timeline: [{ until: soon, rcpt: accept }]'), (e: unknown) => e instanceof ScriptError && /timeline\.0\.until: not a duration/.test(e.message));
    assert.throws(() => parseScript('timeline: [{ until: 2h }, { until: 1h }]'), (e: unknown) => e instanceof ScriptError && /timeline\.1\.until must be later/.test(e.message));
    assert.throws(() => parseScript('rcpts: accept'), (e: unknown) => e instanceof ScriptError && /rcpts/.test(e.message));
    assert.throws(() => parseScript('greylist: { reply: stall }'), ScriptError);
    assert.throws(() => parseScript('rcpt: [unclosed'), (e: unknown) => e instanceof ScriptError && /not valid YAML/.test(e.message));
  });

  test('a reply keeps every line and refuses mixed codes and control characters', () => {
    assert.deepEqual(parseReplyText('451-4.3.2 one\r\n451 4.3.2 two'), { code: 451, lines: ['4.3.2 one', '4.3.2 two'] });
    assert.deepEqual(parseReplyText('421'), { code: 421, lines: [''] });
    assert.throws(() => parseReplyText('451 a\n550 b'), ScriptError);
    assert.throws(() => parseReplyText('451 a\u0000b'), ScriptError);
    assert.throws(() => parseReplyText('600 nope'), ScriptError);
  });

  test('garbage, truncated and huge scripts fail with a ScriptError and nothing else', () => {
    const valid = 'greeting: accept\ntimeline:\n  - until: 5h\n    rcpt: 451 4.3.2 down\n';
    fc.assert(fc.property(fc.oneof(
      fc.string({ maxLength: 400 }),
      fc.integer({ min: 0, max: valid.length }).map((n) => valid.slice(0, n)),
      fc.jsonValue().map((v) => JSON.stringify(v)),
    ), (text) => {
      try {
        parseScript(text);
      } catch (err) {
        assert.ok(err instanceof ScriptError, `unexpected ${(err as Error).name}: ${(err as Error).message}`);
      }
    }), { numRuns: 500 });
    const huge = `timeline:\n${Array.from({ length: 2000 }, (_, i) => `  - until: ${i + 1}s\n    rcpt: accept`).join('\n')}`;
    assert.throws(() => parseScript(huge), ScriptError);
    const bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + Array.from({ length: 12 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`).join('\n');
    assert.throws(() => parseScript(bomb), ScriptError);
  });
});
