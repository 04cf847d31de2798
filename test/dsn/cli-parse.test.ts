import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = new URL('../../bin/rebound', import.meta.url).pathname;
const fixtures = new URL('../fixtures/dsn/', import.meta.url).pathname;
const run = (...args: string[]) => spawnSync(bin, ['parse', ...args], { encoding: 'utf8' });
const lines = (out: string) => out.trim().split('\n').map((l) => JSON.parse(l));

test('rebound parse prints a table row per recipient and a summary', () => {
  const r = run(join(fixtures, 'sendmail-dsn-two-recipients.eml'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /full@recipient\.example\s+5\.2\.2\s+mailboxfull/);
  assert.match(r.stdout, /gone@recipient\.example\s+5\.1\.1\s+userunknown\s+suppress/);
  assert.match(r.stdout, /1 message: dsn 1/);
});

test('--jsonl writes one line per message with exactly the documented fields', () => {
  const r = run('--jsonl', join(fixtures, 'postfix-dsn.eml'));
  assert.equal(r.status, 0, r.stderr);
  const [line] = lines(r.stdout);
  assert.deepEqual(Object.keys(line), ['source', 'isBounce', 'kind', 'mta', 'recipients', 'deliveryId']);
  assert.deepEqual(Object.keys(line.recipients[0]), ['recipient', 'status', 'basic', 'reason', 'hardbounce', 'retryable', 'action', 'diagnostic', 'remoteMta', 'originalRecipient']);
  assert.deepEqual([line.isBounce, line.kind, line.mta, line.recipients[0].recipient, line.recipients[0].basic], [true, 'dsn', 'postfix', 'jane.doe@recipient.example', 550]);
  assert.deepEqual([line.recipients[0].originalRecipient, line.deliveryId], [null, 'dlv_01JGZ4W3K5Q8']);
});

test('a directory is read recursively, Maildir tmp/ skipped, in name order', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-maildir-'));
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(dir, sub));
  writeFileSync(join(dir, 'cur', '1736000000.M1P1.host:2,S'), readFileSync(join(fixtures, 'qmail.eml')));
  writeFileSync(join(dir, 'new', '1736000001.M2P1.host'), readFileSync(join(fixtures, 'yahoo.eml')));
  writeFileSync(join(dir, 'tmp', '1736000002.M3P1.host'), 'half-written');
  const r = run('--jsonl', dir);
  assert.equal(r.status, 0, r.stderr);
  const out = lines(r.stdout);
  assert.deepEqual(out.map((l) => [l.source.slice(dir.length + 1), l.mta]), [['cur/1736000000.M1P1.host:2,S', 'qmail'], ['new/1736000001.M2P1.host', 'yahoo']]);
});

test('a Maildir is read with its Maildir++ subfolders, and its server files are not taken for mail', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-maildirpp-'));
  for (const sub of ['cur', 'new', 'tmp', '.Bounces/cur', '.Bounces/new', '.Bounces/tmp']) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, 'cur', '1736000000.M1P1.host:2,S'), readFileSync(join(fixtures, 'qmail.eml')));
  writeFileSync(join(dir, '.Bounces', 'new', '1736000001.M2P1.host'), readFileSync(join(fixtures, 'yahoo.eml')));
  // what Dovecot and Courier keep beside the messages
  writeFileSync(join(dir, 'dovecot-uidlist'), '3 V1736000000 N2\n');
  writeFileSync(join(dir, 'subscriptions'), 'Bounces\n');
  writeFileSync(join(dir, '.Bounces', 'maildirfolder'), '');
  writeFileSync(join(dir, '.Bounces', 'dovecot.index.log'), Buffer.from([0, 1, 2, 3]));
  const r = run('--jsonl', dir);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(lines(r.stdout).map((l) => [l.source.slice(dir.length + 1), l.mta]), [['.Bounces/new/1736000001.M2P1.host', 'yahoo'], ['cur/1736000000.M1P1.host:2,S', 'qmail']]);
});

test('parse --rules applies a rules file, and a bad one is a usage error naming it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-parse-rules-'));
  const rules = join(dir, 'rules.yaml');
  writeFileSync(rules, 'rules:\n  # "550 5.1.1 <jane.doe@recipient.example>: Recipient address rejected: User unknown in virtual mailbox table"\n  - id: site/virtual-table\n    reason: filtered\n    text: ["user unknown in virtual mailbox table"]\n');
  const plain = lines(run('--jsonl', join(fixtures, 'postfix-dsn.eml')).stdout)[0].recipients[0];
  const ruled = lines(run('--jsonl', '--rules', rules, join(fixtures, 'postfix-dsn.eml')).stdout)[0].recipients[0];
  assert.equal(plain.reason, 'userunknown');
  assert.equal(ruled.reason, 'filtered');
  writeFileSync(rules, 'rules:\n  - id: bad\n    reason: nonsense\n    text: ["abc"]\n');
  const bad = run('--rules', rules, join(fixtures, 'postfix-dsn.eml'));
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /rules\.yaml/);
});

test('a symbolic link loop under a directory is read once, not followed round', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-symloop-'));
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'b.eml'), readFileSync(join(fixtures, 'qmail.eml')));
  symlinkSync(dir, join(dir, 'sub', 'up'));
  const r = run('--jsonl', dir);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(lines(r.stdout).map((l) => l.source.slice(dir.length + 1)), ['sub/b.eml']);
});

test('an mbox file is split into its messages, each named path#N', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-mbox-'));
  const mbox = join(dir, 'bounces.mbox');
  const parts = ['qmail.eml', 'exim-failed.eml', 'autoreply.eml'].map((f) => `From MAILER-DAEMON Mon Jan  6 10:00:00 2025\n${readFileSync(join(fixtures, f), 'utf8').trimEnd()}\n`);
  writeFileSync(mbox, parts.join('\n'));
  const out = lines(run('--jsonl', mbox).stdout);
  assert.deepEqual(out.map((l) => [l.source, l.kind, l.mta]), [[`${mbox}#1`, 'dsn', 'qmail'], [`${mbox}#2`, 'dsn', 'exim'], [`${mbox}#3`, 'autoreply', 'rfc3834']]);
});

test('a path that cannot be read yields a line with an error and the run goes on', () => {
  const r = run('--jsonl', '/no/such/file.eml', join(fixtures, 'yahoo.eml'));
  assert.equal(r.status, 0);
  const out = lines(r.stdout);
  assert.equal(out[0].source, '/no/such/file.eml');
  assert.match(out[0].error, /cannot read: ENOENT/);
  assert.equal(out[1].mta, 'yahoo');
});

test('a file that is not an email yields a line with an error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rebound-junk-'));
  writeFileSync(join(dir, 'junk.bin'), Buffer.from([0, 1, 2, 3, 255, 254, 10, 10, 0]));
  const [line] = lines(run('--jsonl', join(dir, 'junk.bin')).stdout);
  assert.deepEqual(Object.keys(line), ['source', 'error']);
  assert.match(line.error, /not an email/);
});

test('rebound parse without a path is a usage error with exit code 2', () => {
  const r = run();
  assert.equal(r.status, 2);
  assert.match(r.stderr, /missing required argument|give at least one/);
});

test('parse exits 1 only when nothing at all could be read, and a long path keeps its file name in the table', () => {
  const none = run('/nonexistent/rebound-parse-test');
  assert.equal(none.status, 1);
  assert.match(none.stdout, /1 message: none; 1 unreadable/);
  const mixed = run('/nonexistent/rebound-parse-test', join(fixtures, 'sendmail-dsn-two-recipients.eml'));
  assert.equal(mixed.status, 0, 'one good file: the run is a success with a note');
  const deep = mkdtempSync(join(tmpdir(), 'rebound-a-rather-long-directory-name-for-the-table-'));
  const file = join(deep, 'bounce-number-0042.eml');
  writeFileSync(file, readFileSync(join(fixtures, 'sendmail-dsn-two-recipients.eml')));
  const row = run(file).stdout.split('\n')[1]!;
  assert.match(row, /^…\S*bounce-number-0042\.eml /);
});
