import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { signatureHeader } from '../../src/webhooks/index.ts';

// The receivers' verification snippets in docs/webhooks.md are run as written, against headers
// Rebound makes, so the documentation cannot drift from the scheme.
const doc = readFileSync(new URL('../../docs/webhooks.md', import.meta.url), 'utf8');
const block = (lang: string) => {
  const m = new RegExp('```' + lang + '\\n([^]*?)```').exec(doc);
  assert.ok(m, `docs/webhooks.md has a ${lang} block`);
  return m[1]!;
};
const body = Buffer.from(JSON.stringify({ type: 'delivery.deferred', deliveryId: 'dlv_01', attempt: 2 }));

test('the Node.js receiver snippet in docs/webhooks.md accepts Rebound\'s signature and refuses a changed body or secret', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-doc-'));
  try {
    const file = join(dir, 'verify.mjs');
    writeFileSync(file, block('js'));
    const { verifyRebound } = (await import(pathToFileURL(file).href)) as { verifyRebound: (b: Buffer, h: string, s: string) => boolean };
    const header = signatureHeader(['whsec_old', 'whsec_new'], Math.floor(Date.now() / 1000), body);
    assert.equal(verifyRebound(body, header, 'whsec_new'), true);
    assert.equal(verifyRebound(body, header, 'whsec_old'), true);
    assert.equal(verifyRebound(Buffer.concat([body, Buffer.from(' ')]), header, 'whsec_new'), false);
    assert.equal(verifyRebound(body, header, 'whsec_wrong'), false);
    assert.equal(verifyRebound(body, signatureHeader('whsec_new', Math.floor(Date.now() / 1000) - 3600, body), 'whsec_new'), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the Python receiver snippet in docs/webhooks.md accepts Rebound\'s signature and refuses a changed body', (t) => {
  if (spawnSync('python3', ['--version']).status !== 0) return t.skip('python3 is not installed');
  const header = signatureHeader('whsec_py', Math.floor(Date.now() / 1000), body);
  const script = `${block('python')}
import sys
body = sys.stdin.buffer.read()
print(verify_rebound(body, ${JSON.stringify(header)}, "whsec_py"), verify_rebound(body + b" ", ${JSON.stringify(header)}, "whsec_py"))
`;
  const r = spawnSync('python3', ['-c', script], { input: body, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'True False');
});
