import type { Engine } from '../../src/engine/engine.ts';
import type { TestClock } from '../../src/engine/clock.ts';
import { classify } from '../../src/classify/index.ts';

const HOUR = 3_600_000;
const OK = '250 2.0.0 OK queued';
const NOT_ACCEPTING = '451 4.3.2 System not accepting network messages';
const BUSY = '421 4.7.0 Too many connections, try again later';
const NO_USER = '550 5.1.1 The email account that you tried to reach does not exist';
const LISTED = '554 5.7.1 Service unavailable; client host [192.0.2.1] blocked using zen.spamhaus.org';

/** What the seeded history is, so the test can name a delivery and an address to look at. */
export interface SeededHistory {
  /** A delivery to the destination that is down until the end of the history. */
  downDelivery: string;
  /** The address a 5.1.1 suppressed. */
  suppressed: string;
  /** A delivery refused because the sending IP is on a block list. */
  blockedDelivery: string;
}

/**
 * A day and a half of traffic driven through the real engine under a TestClock: a destination
 * that answers 4.3.2 for five hours and then recovers (deliveries delivered at attempts 2 and 3
 * of the seed schedule), one that is busy (421) once, one still down at the end (an open
 * incident), a healthy one, a user-unknown bounce, and a domain refusing the sender's IP for
 * being on a block list; one delivered recipient then reports the campaign as spam.
 */
export async function seedHistory(engine: Engine, clock: TestClock): Promise<SeededHistory> {
  let seq = 0;
  const attempt = async (deliveryId: string, reply: string, mx: string) => {
    await engine.recordOutcome(deliveryId, {
      deliveryId, attemptId: `seed-${++seq}`, at: clock.now(), destination: mx, phase: 'rcpt',
      response: reply, classification: classify(reply), durationMs: 40,
    });
  };
  const send = async (recipients: string[], tag: string | null = 'spring-sale') => {
    const r = await engine.submit({ from: 'news@sender.example', raw: Buffer.from('Subject: hi\r\n\r\nhello\r\n'), tag }, recipients);
    return r.deliveries.map((d) => d.id);
  };

  // one tagged campaign, and the busy domain's mail sent untagged
  const sick = await send(['ann@sick.example', 'bob@sick.example', 'cy@sick.example', 'dee@sick.example']);
  const busy = await send(['eve@busy.example', 'fay@busy.example'], null);
  const fine = await send(['gus@fine.example', 'hal@fine.example', 'ivy@fine.example']);
  const gone = await send(['nobody@gone.example']);
  const listed = await send(['pat@strict.example', 'quinn@strict.example']);
  for (const id of sick) await attempt(id, NOT_ACCEPTING, 'mx1.sick.example');
  for (const id of busy) await attempt(id, BUSY, 'mx.busy.example');
  for (const id of fine) await attempt(id, OK, 'mx.fine.example');
  await attempt(gone[0]!, NO_USER, 'mx.gone.example');
  for (const id of listed) await attempt(id, LISTED, 'mx.strict.example');

  clock.advance(HOUR);
  await attempt(sick[0]!, NOT_ACCEPTING, 'mx1.sick.example');
  await attempt(sick[1]!, NOT_ACCEPTING, 'mx2.sick.example');
  for (const id of busy) await attempt(id, OK, 'mx.busy.example');

  clock.advance(4 * HOUR);
  for (const id of sick) await attempt(id, OK, 'mx1.sick.example');

  // one recipient of the campaign marks it as spam (an ESP's complaint event)
  await engine.recordOutcome(fine[0]!, {
    deliveryId: fine[0]!, attemptId: 'seed-complaint', at: clock.now(), destination: null, phase: null, source: 'webhook',
    response: 'spam report', classification: { ...classify(''), reason: 'feedback', class: null }, durationMs: 0, feedbackType: null,
  });

  clock.advance(6 * HOUR);
  const down = await send(['jo@down.example', 'kim@down.example', 'lou@down.example']);
  for (const id of down) await attempt(id, NOT_ACCEPTING, 'mx.down.example');
  clock.advance(HOUR);
  for (const id of down) await attempt(id, NOT_ACCEPTING, 'mx.down.example');
  clock.advance(2 * HOUR);
  return { downDelivery: down[0]!, suppressed: 'nobody@gone.example', blockedDelivery: listed[0]! };
}
