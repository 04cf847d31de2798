import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SmtpTalk } from './helpers/smtp-talk.ts';

const bin = new URL('../../bin/rebound', import.meta.url).pathname;

describe('rebound test-receiver', () => {
  test('serves its script on the given port until SIGTERM, then prints what it saw', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rebound-receiver-'));
    const script = join(dir, 'down.yaml');
    writeFileSync(script, 'timeline:\n  - until: 5h\n    rcpt: 451 4.3.2 System not accepting network messages\n');
    const child = spawn(bin, ['test-receiver', '--port', '0', '--script', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (d: string) => {
        out += d;
        const m = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`exited ${code} before listening: ${out}`)));
    });
    const c = await SmtpTalk.open(port);
    assert.match((await c.reply()) ?? '', /^220/);
    await c.send('EHLO client.test');
    await c.send('MAIL FROM:<s@rebound.test>');
    assert.equal(await c.send('RCPT TO:<a@example.test>'), '451 4.3.2 System not accepting network messages');
    c.close();
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(out, /connections 1, RCPT 1, accepted messages 0/);
  });

  test('a bad script is a usage error naming the problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rebound-receiver-'));
    const script = join(dir, 'bad.yaml');
    writeFileSync(script, 'rcpt: sometimes\n');
    const r = spawnSync(bin, ['test-receiver', '--port', '0', '--script', script], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /rcpt: expected accept, stall, drop or a reply/);
    const r2 = spawnSync(bin, ['test-receiver', '--port', 'x'], { encoding: 'utf8' });
    assert.equal(r2.status, 2);
    assert.match(r2.stderr, /--port must be/);
  });
});
