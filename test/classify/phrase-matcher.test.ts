import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { foldPhrase, PhraseMatcher } from '../../src/classify/phrase-matcher.ts';

/** What the matcher must find: every phrase occurring in the text, case and whitespace runs ignored. */
function naive(phrases: string[], text: string): number[] {
  const t = text.toLowerCase().replace(/\s/g, ' ');
  const hits = new Set<number>();
  phrases.forEach((p, i) => {
    const f = foldPhrase(p);
    if (f === '') return;
    // the folded text collapses whitespace runs too; phrases are matched against that form
    if (t.replace(/ +/g, ' ').includes(f)) hits.add(i);
  });
  return [...hits].sort((a, b) => a - b);
}

function found(m: PhraseMatcher, text: string): number[] {
  const out: number[] = [];
  m.scan(text.replace(/\s+/g, ' '), out);
  return [...new Set(out)].sort((a, b) => a - b);
}

const letters = fc.constantFrom(...'abcé ü.-:5ДЯ不明'.split(''));
const word = fc.array(letters, { minLength: 1, maxLength: 6 }).map((cs) => cs.join(''));

test('finds exactly the phrases a naive search finds, overlapping and nested ones included', () => {
  fc.assert(fc.property(fc.array(word, { minLength: 1, maxLength: 30 }), fc.array(letters, { maxLength: 80 }), (phrases, textChars) => {
    const text = textChars.join('');
    const m = new PhraseMatcher(phrases, phrases.map((_, i) => i));
    assert.deepEqual(found(m, text), naive(phrases, text));
    // case does not matter
    assert.deepEqual(found(m, text.toUpperCase()), naive(phrases, text.toUpperCase()));
  }), { numRuns: 300 });
});

test('a phrase set too large for 16-bit state numbers still matches exactly', () => {
  // 3,000 distinct 16-letter phrases: about 40,000 states, past the compact table's limit
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 26);
  const phrases = Array.from({ length: 3000 }, () => Array.from({ length: 16 }, () => String.fromCharCode(97 + rand())).join(''));
  const m = new PhraseMatcher(phrases, phrases.map((_, i) => i));
  assert.ok(m.states > 0x8000, `only ${m.states} states`);
  const text = `xx ${phrases[0]} yy ${phrases[2999]!.toUpperCase()} ${phrases[1500]!.slice(0, 15)}`;
  assert.deepEqual(found(m, text), naive(phrases, text));
  assert.deepEqual(found(m, text), [0, 2999]);
});
