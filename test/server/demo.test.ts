import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/rebound', import.meta.url));

test('rebound demo tells the story to its end: the dashboard address, deferrals, an unavailable address and a closing report', () => {
  const r = spawnSync(process.execPath, [BIN, 'demo', '--time-scale', '6000', '--port', '0'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout;
  assert.match(out, /Dashboard: http:\/\/127\.0\.0\.1:\d+\//);
  assert.match(out, /deferred\s+sam@old-host\.test\s+451 4\.3\.2/);
  assert.match(out, /UNAVAILABLE\s+sam@old-host\.test\s+retries exhausted/);
  assert.match(out, /Closing report\n\s+deliveries: 9 delivered, 1 failed, 0 still waiting/);
  assert.match(out, /sam@old-host\.test is unavailable until/);
});
