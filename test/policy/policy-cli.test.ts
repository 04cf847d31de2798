import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = new URL('../../bin/rebound', import.meta.url).pathname;
const rebound = (...args: string[]) => spawnSync(bin, args, { encoding: 'utf8', env: { ...process.env, REBOUND_POLICY: '' } });

test('rebound policy schedule 4.3.2 prints the seed schedule: +1h, +5h, +17h, +41h', () => {
  const r = rebound('policy', 'schedule', '4.3.2', '--json');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { rule: string; attempts: Array<{ attempt: number; at: number }> };
  assert.equal(out.rule, 'seed/4.3.2');
  assert.deepEqual(out.attempts.map((a) => a.at / 3_600_000), [0, 1, 5, 17, 41]);
  const text = rebound('policy', 'schedule', '451 4.3.2 System not accepting network messages');
  assert.match(text.stdout, /unavailable for 7d/);
});

test('rebound policy check names the line of a bad key and exits 1; a good file exits 0', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-policy-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'bad.yaml'), 'rules:\n  - id: x\n    retry: "1h,,4h"\n');
  writeFileSync(join(dir, 'good.yaml'), 'rules:\n  - { id: x, match: { enhanced: "4.7.*" }, retry: "5m*3" }\n');
  const bad = rebound('policy', 'check', join(dir, 'bad.yaml'));
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /bad\.yaml:3:\d+: rules\[0\]\.retry: .*item 2/);
  const good = rebound('policy', 'check', join(dir, 'good.yaml'));
  assert.equal(good.status, 0, good.stderr);
  assert.match(good.stdout, /ok \(1 rule of yours/);
  const shown = rebound('policy', 'show', '--policy', join(dir, 'good.yaml'), '--json');
  assert.equal(JSON.parse(shown.stdout).rules[0].retry, '5m,5m,5m');
  assert.equal(rebound('policy', 'show', '--policy', join(dir, 'bad.yaml')).status, 2, 'a bad file is refused, not defaulted');
});

test('rebound policy schedule refuses input with no code in it', () => {
  const r = rebound('policy', 'schedule', 'hello');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /no SMTP code/);
});
