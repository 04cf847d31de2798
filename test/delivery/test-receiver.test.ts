import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { TestClock } from '../../src/engine/clock.ts';
import { TestReceiver, parseScript, type TestReceiverOptions } from '../../src/delivery/test-receiver/index.ts';
import fc from 'fast-check';
import { SmtpTalk } from './helpers/smtp-talk.ts';

const receivers: TestReceiver[] = [];
after(async () => {
  await Promise.all(receivers.map((r) => r.stop()));
});
async function receiver(script: string, options: Omit<TestReceiverOptions, 'script'> = {}): Promise<TestReceiver> {
  const r = await TestReceiver.start({ ...options, script: parseScript(script) });
  receivers.push(r);
  return r;
}

/** Greeting, EHLO and MAIL FROM, asserting each was accepted. */
async function envelope(r: TestReceiver, from = 'sender@rebound.test'): Promise<SmtpTalk> {
  const c = await SmtpTalk.open(r.port);
  assert.match((await c.reply()) ?? '', /^220 /);
  assert.match((await c.send('EHLO client.test')) ?? '', /^250/);
  assert.match((await c.send(`MAIL FROM:<${from}>`)) ?? '', /^250/);
  return c;
}

const MESSAGE = 'Message-ID: <m1@rebound.test>\r\nX-Rebound-ID: d-1\r\nSubject: hi\r\n\r\nhello\r\n.leading dot\r\n';

describe('the fault-injecting receiver', () => {
  test('accepts a message by default and records its Message-ID, Rebound id and recipients', async () => {
    const r = await receiver('{}');
    const c = await envelope(r);
    assert.match((await c.send('RCPT TO:<Ann@Example.test>')) ?? '', /^250/);
    assert.match((await c.send('DATA')) ?? '', /^354/);
    assert.match((await c.message(MESSAGE)) ?? '', /^250 2\.0\.0 Ok/);
    c.close();
    assert.equal(r.seen.connections, 1);
    assert.equal(r.seen.acceptedCount, 1);
    const [m] = r.seen.messages;
    assert.equal(m?.messageId, 'm1@rebound.test');
    assert.deepEqual(m?.reboundIds, ['d-1']);
    assert.deepEqual(m?.recipients, ['ann@example.test']);
    assert.equal(r.seen.rcptFor('ann@example.test'), 1);
    assert.deepEqual([...r.seen.acceptedByMessageId()], [['m1@rebound.test', 1]]);
  });

  test('answers 421 4.3.2 at the greeting and closes the connection', async () => {
    const r = await receiver('greeting: 421 4.3.2 System not accepting network messages');
    const c = await SmtpTalk.open(r.port);
    assert.equal(await c.reply(), '421 4.3.2 System not accepting network messages');
    assert.equal(await c.reply(), null);
    assert.equal(c.closed, true);
  });

  test('defers at RCPT, at DATA or after the final dot, as scripted', async () => {
    const atRcpt = await receiver('rcpt: 451 4.3.2 System not accepting network messages');
    let c = await envelope(atRcpt);
    assert.equal(await c.send('RCPT TO:<a@example.test>'), '451 4.3.2 System not accepting network messages');
    c.close();

    const atData = await receiver('data: 451 4.3.2 Try again later');
    c = await envelope(atData);
    assert.match((await c.send('RCPT TO:<a@example.test>')) ?? '', /^250/);
    assert.equal(await c.send('DATA'), '451 4.3.2 Try again later');
    assert.match((await c.send('RSET')) ?? '', /^250/);
    c.close();
    assert.equal(atData.seen.dataCommands, 1);

    const afterDot = await receiver('message: 451 4.3.2 Queue full, come back later');
    c = await envelope(afterDot);
    assert.match((await c.send('RCPT TO:<a@example.test>')) ?? '', /^250/);
    assert.match((await c.send('DATA')) ?? '', /^354/);
    assert.equal(await c.message(MESSAGE), '451 4.3.2 Queue full, come back later');
    c.close();
    assert.equal(afterDot.seen.acceptedCount, 0);
    assert.equal(afterDot.seen.refusedMessages, 1);
  });

  test('sends a multi-line reply with the code on every line', async () => {
    const r = await receiver('rcpt: "451 4.3.2 first line\\nsecond line"');
    const c = await envelope(r);
    assert.equal(await c.send('RCPT TO:<a@example.test>'), '451-4.3.2 first line\r\n451 second line');
    c.close();
  });

  test('answers each recipient its own way', async () => {
    const r = await receiver([
      'recipients:',
      "  bad@example.test: '550 5.1.1 <bad@example.test>: no such user'",
      '  full@example.test: 452 4.2.2 Mailbox full',
    ].join('\n'));
    const c = await envelope(r);
    assert.match((await c.send('RCPT TO:<good@example.test>')) ?? '', /^250/);
    assert.equal(await c.send('RCPT TO:<BAD@example.test>'), '550 5.1.1 <bad@example.test>: no such user');
    assert.equal(await c.send('RCPT TO:<full@example.test>'), '452 4.2.2 Mailbox full');
    assert.match((await c.send('DATA')) ?? '', /^354/);
    assert.match((await c.message(MESSAGE)) ?? '', /^250/);
    c.close();
    assert.deepEqual(r.seen.deliveredTo(), ['good@example.test']);
    assert.deepEqual(r.seen.rcptLog.map((x) => x.code), [250, 550, 452]);
  });

  test('greylists the first try of each sender and recipient pair, and only that one', async () => {
    const clock = new TestClock();
    const r = await receiver('greylist: { retryAfter: 5m }', { now: () => clock.now() });
    let c = await envelope(r);
    assert.match((await c.send('RCPT TO:<a@example.test>')) ?? '', /^451 4\.7\.1 Greylisted/);
    assert.match((await c.send('RCPT TO:<b@example.test>')) ?? '', /^451 4\.7\.1/);
    c.close();
    clock.advance(60_000);
    c = await envelope(r);
    assert.match((await c.send('RCPT TO:<a@example.test>')) ?? '', /^451/, 'a retry before retryAfter is deferred again');
    c.close();
    clock.advance(5 * 60_000);
    c = await envelope(r);
    assert.match((await c.send('RCPT TO:<a@example.test>')) ?? '', /^250/);
    c.close();
    c = await envelope(r, 'other@rebound.test');
    assert.match((await c.send('RCPT TO:<a@example.test>')) ?? '', /^451/, 'a new sender is a new pair');
    c.close();
  });

  test('follows its timeline on the injected clock: 4.3.2 for the first 5 hours, then accept', async () => {
    const clock = new TestClock();
    const r = await receiver([
      'timeline:',
      '  - until: 5h',
      '    rcpt: 451 4.3.2 System not accepting network messages',
    ].join('\n'), { now: () => clock.now() });
    const tryOnce = async () => {
      const c = await envelope(r);
      const reply = await c.send('RCPT TO:<a@example.test>');
      c.close();
      return reply;
    };
    assert.match((await tryOnce()) ?? '', /^451 4\.3\.2/);
    clock.advance(5 * 3_600_000 - 1);
    assert.match((await tryOnce()) ?? '', /^451 4\.3\.2/);
    clock.advance(1);
    assert.match((await tryOnce()) ?? '', /^250/);
  });

  test('a stalled step never answers and a dropped one resets the connection', async () => {
    const stall = await receiver('rcpt: stall');
    let c = await envelope(stall);
    assert.equal(await c.send('RCPT TO:<a@example.test>', 150), null);
    assert.equal(c.closed, false, 'a stall keeps the connection open');
    assert.equal(stall.seen.rcpt, 1);
    c.close();

    const drop = await receiver('mail: drop');
    c = await SmtpTalk.open(drop.port);
    await c.reply();
    await c.send('EHLO client.test');
    assert.equal(await c.send('MAIL FROM:<s@rebound.test>'), null);
    assert.equal(c.closed, true);
  });

  test('drops at the greeting before saying anything', async () => {
    const r = await receiver('greeting: drop');
    const c = await SmtpTalk.open(r.port);
    assert.equal(await c.reply(), null);
    assert.equal(c.closed, true);
  });

  test('answers the EHLO as scripted', async () => {
    const r = await receiver('ehlo: 421 4.3.2 Too busy, closing');
    const c = await SmtpTalk.open(r.port);
    await c.reply();
    assert.equal(await c.send('EHLO client.test'), '421 4.3.2 Too busy, closing');
    assert.equal(await c.reply(), null);
    assert.equal(c.closed, true, 'a 421 reply closes the connection');
  });

  test('requires AUTH when given credentials and refuses wrong ones', async () => {
    const r = await receiver('{}', { auth: { user: 'u', pass: 'p' } });
    const c = await SmtpTalk.open(r.port);
    await c.reply();
    assert.match((await c.send('EHLO client.test')) ?? '', /AUTH/);
    assert.match((await c.send('MAIL FROM:<s@rebound.test>')) ?? '', /^530/);
    assert.match((await c.send(`AUTH PLAIN ${Buffer.from('\0u\0wrong').toString('base64')}`)) ?? '', /^535/);
    assert.match((await c.send(`AUTH PLAIN ${Buffer.from('\0u\0p').toString('base64')}`)) ?? '', /^235/);
    assert.match((await c.send('MAIL FROM:<s@rebound.test>')) ?? '', /^250/);
    c.close();
  });

  test('a script can be swapped while the receiver runs', async () => {
    const r = await receiver('{}');
    r.setScript(parseScript('rcpt: 550 5.7.1 Go away'));
    const c = await envelope(r);
    assert.equal(await c.send('RCPT TO:<a@example.test>'), '550 5.7.1 Go away');
    c.close();
  });
});

describe('the receiver against hostile clients', () => {
  test('garbage commands, a huge line and binary junk never stop it serving the next client', async () => {
    const r = await receiver('rcpt: 451 4.3.2 busy');
    await fc.assert(fc.asyncProperty(fc.array(fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.constantFrom('RCPT TO:<', 'RCPT TO:<>', 'MAIL FROM:<a@b> SIZE=x', 'DATA', 'EHLO', 'RCPT TO:<a@b>\u0000', '\u00ff\u00fe'),
    ), { maxLength: 8 }), async (lines) => {
      const c = await SmtpTalk.open(r.port);
      await c.reply(500);
      for (const line of lines) await c.send(line.replace(/[\r\n]/g, ' '), 200);
      c.close();
    }), { numRuns: 15 });
    const huge = await SmtpTalk.open(r.port);
    await huge.reply();
    const answer = await huge.send('EHLO ' + 'x'.repeat(100_000));
    assert.ok(answer === null || /^[45]\d\d/.test(answer), String(answer).slice(0, 80));
    huge.close();
    const c = await envelope(r);
    assert.equal(await c.send('RCPT TO:<fine@example.test>'), '451 4.3.2 busy', 'still answering as scripted');
    c.close();
  });
});
