import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const bin = new URL('../../bin/rebound', import.meta.url).pathname;

test('rebound --help prints usage and exits 0', () => {
  const r = spawnSync(bin, ['--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /Usage: rebound/);
});

test('an unknown command is a usage error with exit code 2', () => {
  const r = spawnSync(bin, ['no-such-command'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /error: (unknown command|too many arguments)/);
});
