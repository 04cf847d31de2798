import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { mboxMessages } from '../../src/dsn/mailbox.ts';

const dir = mkdtempSync(join(tmpdir(), 'rebound-mbox-unit-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function read(path: string, options: { chunkBytes?: number; maxMessageBytes?: number }): Promise<string[]> {
  const out: string[] = [];
  for await (const m of mboxMessages(path, options)) out.push(m.toString('latin1'));
  return out;
}

// Bodies may hold "From" anywhere except at the start of a line after a blank line (an mbox would
// have quoted that one as ">From"), and blank lines of their own.
const body = fc.array(fc.constantFrom('a', 'From', ' ', '\n', 'x\n', 'F', 'rom ', '>From '), { minLength: 1, maxLength: 40 })
  // after the header line a body starting "\nFrom " is a separator too: escaped with the newline before it
  .map((xs) => `\n${xs.join('')}`.replace(/\n\nFrom /g, '\n\n>From ').slice(1).replace(/\n+$/, ''))
  .filter((b) => b.length > 0 && !b.startsWith('From '));

test('any mbox read in chunks of any size gives back exactly its messages, LF or CRLF, separators split across reads included', async () => {
  let n = 0;
  await fc.assert(fc.asyncProperty(fc.array(body, { minLength: 1, maxLength: 6 }), fc.boolean(), fc.integer({ min: 1, max: 23 }), async (bodies, crlf, chunkBytes) => {
    const nl = crlf ? '\r\n' : '\n';
    const messages = bodies.map((b, i) => `From sender${i}@example.test Mon Jan  5 09:00:00 2026${nl}${b.replace(/\n/g, nl)}${nl}`);
    const path = join(dir, `m${n++}.mbox`);
    writeFileSync(path, messages.join(nl), 'latin1');
    const got = await read(path, { chunkBytes });
    assert.deepEqual(got.map((m) => m.replace(/(\r?\n)+$/, '')), messages.map((m) => m.replace(/(\r?\n)+$/, '')));
  }), { numRuns: 300 });
});

test('a message over the size cap keeps its start, and the message after it is not lost even when its separator straddles a read', async () => {
  const big = `From a@example.test Mon Jan  5 09:00:00 2026\n${'y'.repeat(5000)}\n`;
  const next = 'From b@example.test Mon Jan  5 09:00:01 2026\nSubject: second\n\nhello\n';
  const path = join(dir, 'cut.mbox');
  writeFileSync(path, `${big}\n${next}`, 'latin1');
  // every chunk size that puts a read boundary inside the "\n\nFrom " between the two
  for (let chunkBytes = 64; chunkBytes <= 128; chunkBytes++) {
    const got = await read(path, { chunkBytes, maxMessageBytes: 1000 });
    assert.equal(got.length, 2, `chunks of ${chunkBytes}`);
    assert.equal(got[0]!.length, 1000, 'the runaway message keeps its first bytes up to the cap');
    assert.equal(got[1], next);
  }
});
