import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, world, REPLIES, HOUR } from './helpers.ts';
import type { BounceEvent } from '../../src/classify/bounce-event.ts';
import { classification } from '../engine/helpers.ts';
import { classify } from '../../src/classify/index.ts';

for (const backend of BACKENDS) describe(`metrics on ${backend.name}`, { skip: backend.skip ?? false }, () => {
  /**
   * Three destinations that come back after 1 h, 5 h and 41 h (the seed's 4.3.2 schedule tries at
   * +0, +1, +5, +17, +41 h, so each recovery is seen at an attempt), and a fourth that is still
   * down. Every figure below follows from that construction.
   */
  async function threeIncidents(timeZone = 'UTC') {
    const downFor: Record<string, number> = { 'a.example': 1 * HOUR, 'b.example': 5 * HOUR, 'c.example': 41 * HOUR, 'd.example': Infinity };
    const w = world((job, now) => (now - w0 < downFor[job.domain]! ? REPLIES.notAccepting() : REPLIES.ok()), timeZone, backend.name);
    const w0 = w.t0;
    await w.send(['one@a.example', 'two@b.example', 'three@c.example']);
    await w.runUntil(w.t0 + 44 * HOUR);
    w.clock.set(w.t0 + 44 * HOUR);
    await w.send(['four@d.example']);
    await w.runUntil(w.t0 + 48 * HOUR);
    w.clock.set(w.t0 + 48 * HOUR);
    return w;
  }

  test('incidents of 1 h, 5 h and 41 h give resolution count 3, p50 5 h, p90 and max 41 h, and the open one its age', async (t) => {
    const w = await threeIncidents();
    t.after(w.cleanup);
    const r = await w.metrics.resolution({ from: w.t0, to: w.t0 + 48 * HOUR });
    assert.equal(r.count, 3);
    assert.equal(r.p50Seconds, 5 * 3600);
    assert.equal(r.p90Seconds, 41 * 3600);
    assert.equal(r.maxSeconds, 41 * 3600);
    assert.deepEqual(r.open.map((o) => [o.domain, o.ageSeconds, o.deferrals, o.recipients]), [['d.example', 4 * 3600, 2, 1]]);
    const c = r.incidents.find((i) => i.domain === 'c.example')!;
    assert.deepEqual(
      { codes: c.codes, deferrals: c.deferrals, retries: c.retries, recipients: c.recipients, mxHosts: c.mxHosts, ms: c.closedAt! - c.openedAt },
      { codes: { '4.3.2': 4 }, deferrals: 4, retries: 3, recipients: 1, mxHosts: ['mx.example.net'], ms: 41 * HOUR },
    );
  });

  test('deferrals are counted per enhanced code and reason, and the destinations rank by time unavailable', async (t) => {
    const w = await threeIncidents();
    t.after(w.cleanup);
    const f = { from: w.t0, to: w.t0 + 48 * HOUR };
    const s = await w.metrics.summary(f);
    assert.deepEqual(s.deferrals, { total: 9, byEnhanced: { '4.3.2': 9 }, byReason: { notaccept: 9 } });
    assert.deepEqual(s.destinations.map((d) => [d.domain, d.deferrals, d.incidents, d.unavailableSeconds, d.open]), [
      ['c.example', 4, 1, 41 * 3600, false],
      ['b.example', 2, 1, 5 * 3600, false],
      ['d.example', 2, 1, 4 * 3600, true],
      ['a.example', 1, 1, 1 * 3600, false],
    ]);
    assert.deepEqual(Object.keys(s).sort(), ['deferrals', 'destinations', 'outcomes', 'refusals', 'resolution', 'retrySuccess', 'timeOfDay']);
    // three recovered, one still waiting: nothing refused or given up
    assert.deepEqual(s.outcomes, { delivered: 3, refused: 0, gaveUp: 0, bounceRate: 0, complaints: 0, complaintRate: 0, complaintLevel: 'ok' });
    assert.deepEqual(Object.keys(s.resolution).sort(), ['count', 'maxSeconds', 'open', 'p50Seconds', 'p90Seconds']);
    const onlyB = await w.metrics.summary({ ...f, domain: 'b.example' });
    assert.equal(onlyB.deferrals.total, 2);
    assert.equal(onlyB.resolution.count, 1);
    assert.equal(onlyB.resolution.maxSeconds, 5 * 3600);
    const otherCode = await w.metrics.summary({ ...f, enhanced: '4.7.0' });
    assert.equal(otherCode.deferrals.total, 0);
    assert.equal(otherCode.resolution.count, 0);
  });

  test('a window that cuts an incident counts only the time inside it', async (t) => {
    const w = await threeIncidents();
    t.after(w.cleanup);
    const ranking = await w.metrics.destinations({ from: w.t0 + 2 * HOUR, to: w.t0 + 12 * HOUR });
    assert.deepEqual(ranking.map((d) => [d.domain, d.unavailableSeconds]), [['c.example', 10 * 3600], ['b.example', 3 * 3600]]);
  });

  test('the hour × weekday grid places deferrals in the configured time zone', async (t) => {
    // The TestClock starts on Monday 2026-01-05 09:00 UTC; Paris is UTC+1 in January.
    const w = await threeIncidents('Europe/Paris');
    t.after(w.cleanup);
    const f = { from: w.t0, to: w.t0 + 48 * HOUR };
    const cells = (grid: number[][]) => grid.flatMap((row, day) => row.flatMap((n, hour) => (n ? [[day, hour, n]] : [])));
    assert.deepEqual(cells(await w.metrics.timeOfDay(f, 'UTC')), [[0, 9, 3], [0, 10, 2], [0, 14, 1], [1, 2, 1], [2, 5, 1], [2, 6, 1]]);
    assert.deepEqual(cells(await w.metrics.timeOfDay(f)), [[0, 10, 3], [0, 11, 2], [0, 15, 1], [1, 3, 1], [2, 6, 1], [2, 7, 1]]);
  });

  test('frequency per hour and per day sums to the window total', async (t) => {
    const w = await threeIncidents();
    t.after(w.cleanup);
    const f = { from: w.t0, to: w.t0 + 48 * HOUR };
    const hourly = await w.metrics.frequency(f, 'hour');
    assert.deepEqual(hourly.series.map((b) => [b.start, b.total]), [
      ['2026-01-05T09:00:00.000Z', 3], ['2026-01-05T10:00:00.000Z', 2], ['2026-01-05T14:00:00.000Z', 1],
      ['2026-01-06T02:00:00.000Z', 1], ['2026-01-07T05:00:00.000Z', 1], ['2026-01-07T06:00:00.000Z', 1],
    ]);
    const daily = await w.metrics.frequency(f, 'day');
    assert.deepEqual(daily.series.map((b) => [b.start, b.total]), [['2026-01-05', 6], ['2026-01-06', 1], ['2026-01-07', 2]]);
  });

  test('a full mailbox (452 4.2.2) counts as a deferral but opens no incident: the domain takes its other mail', async (t) => {
    const full = { ...REPLIES.notAccepting(), text: '452 4.2.2 Mailbox full', reason: 'mailboxfull' as const, enhanced: '4.2.2', basic: 452 };
    const w = world((job) => (job.recipient === 'full@big.example' ? full : REPLIES.ok()), 'UTC', backend.name);
    t.after(w.cleanup);
    await w.send(['a@big.example', 'b@big.example']);
    await w.runUntil(w.t0 + HOUR);
    await w.send(['full@big.example']);
    await w.runUntil(w.t0 + 2 * HOUR);
    w.clock.set(w.t0 + 2 * HOUR);
    const s = await w.metrics.summary({ from: w.t0, to: w.t0 + 2 * HOUR });
    assert.ok(s.deferrals.total >= 1, 'the full mailbox was deferred (and retried)');
    assert.deepEqual(s.resolution.open, []);
    assert.equal(s.destinations.find((d) => d.domain === 'big.example')?.unavailableSeconds ?? 0, 0);
  });

  test('greylisting (as the shipped rules read it) counts as a deferral but opens no incident; the same code without the word does', async (t) => {
    const greylisted = classify('450 4.2.0 <a@grey.example>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/grey.example.html');
    const refused = classify('451 4.7.1 Temporarily rejected, come back later');
    assert.equal(greylisted.greylisting, true);
    assert.equal(refused.greylisting, undefined);
    const firstTry = new Set<string>();
    const w = world((job) => {
      if (firstTry.has(job.recipient)) return REPLIES.ok();
      firstTry.add(job.recipient);
      return job.domain === 'grey.example' ? greylisted : refused;
    }, 'UTC', backend.name);
    t.after(w.cleanup);
    await w.send(['a@grey.example', 'b@grey.example', 'c@plain.example']);
    await w.runUntil(w.t0 + 2 * HOUR);
    w.clock.set(w.t0 + 2 * HOUR);
    const s = await w.metrics.summary({ from: w.t0, to: w.t0 + 2 * HOUR });
    assert.equal(s.deferrals.total, 3);
    assert.equal(s.outcomes.delivered, 3);
    const grey = s.destinations.find((d) => d.domain === 'grey.example');
    const plain = s.destinations.find((d) => d.domain === 'plain.example');
    assert.deepEqual([grey?.deferrals, grey?.incidents, grey?.unavailableSeconds], [2, 0, 0]);
    assert.deepEqual([plain?.deferrals, plain?.incidents], [1, 1]);
    assert.equal(s.resolution.count, 1, 'only plain.example had an incident');
  });

  test('permanent refusals are counted by reason with the domains that refused most, apart from deferrals and incidents', async (t) => {
    const w = world((job) => (job.domain === 'listed.example' ? REPLIES.blocked() : job.recipient.startsWith('gone') ? REPLIES.userUnknown() : REPLIES.ok()), 'UTC', backend.name);
    t.after(w.cleanup);
    await w.send(['a@listed.example', 'b@listed.example', 'gone@ok.example', 'fine@ok.example']);
    await w.runUntil(w.t0 + HOUR);
    w.clock.set(w.t0 + HOUR);
    const f = { from: w.t0, to: w.t0 + HOUR };
    const s = await w.metrics.summary(f);
    assert.deepEqual([s.refusals.total, s.refusals.byReason, s.refusals.byEnhanced], [3, { blocked: 2, userunknown: 1 }, { '5.7.1': 2, '5.1.1': 1 }]);
    assert.deepEqual(s.refusals.topDomainsByReason, { blocked: [{ domain: 'listed.example', count: 2 }], userunknown: [{ domain: 'ok.example', count: 1 }] });
    assert.equal(s.deferrals.total, 0);
    assert.deepEqual(s.resolution.open, []);
    assert.deepEqual(s.destinations.map((d) => [d.domain, d.refusals, d.incidents]), [['listed.example', 2, 0], ['ok.example', 1, 0]]);
    assert.deepEqual(await w.metrics.refusals({ ...f, reason: 'blocked' }), { total: 2, byEnhanced: { '5.7.1': 2 }, byReason: { blocked: 2 }, topDomainsByReason: { blocked: [{ domain: 'listed.example', count: 2 }] } });
    // one of four delivered: a bounce rate of 75 %, and 0 % for the domain that took its good address
    assert.deepEqual(s.outcomes, { delivered: 1, refused: 3, gaveUp: 0, bounceRate: 0.75, complaints: 0, complaintRate: 0, complaintLevel: 'ok' });
    assert.deepEqual((await w.metrics.summary({ ...f, domain: 'listed.example' })).outcomes, { delivered: 0, refused: 2, gaveUp: 0, bounceRate: 1, complaints: 0, complaintRate: null, complaintLevel: null });
    assert.equal((await w.metrics.summary({ ...f, domain: 'nowhere.example' })).outcomes.bounceRate, null, 'nothing ended: no rate');
    assert.deepEqual((await w.metrics.summary({ ...f, reason: 'blocked' })).outcomes, { delivered: 0, refused: 2, gaveUp: 0, bounceRate: null, complaints: 0, complaintRate: null, complaintLevel: null }, 'a reason filter leaves the deliveries out: no rate');
  });

  test('spam reports are counted once per delivery, by domain, as a share of what was delivered; unsubscribes and DMARC reports are not', async (t) => {
    const w = world(() => REPLIES.ok(), 'UTC', backend.name);
    t.after(w.cleanup);
    const { deliveries } = await w.send(['a@big.example', 'b@big.example', 'c@big.example', 'd@big.example', 'e@small.example']);
    await w.runUntil(w.t0 + HOUR);
    const [a, b, c, d, e] = deliveries;
    const report = (delivery: typeof a, eventId: string, source: 'webhook' | 'dsn', feedbackType: string | null): BounceEvent => ({
      source, provider: source === 'webhook' ? 'sendgrid' : null, eventId, recipient: delivery!.recipient, deliveryId: delivery!.id, originalMessageId: null,
      at: w.clock.now(), destination: null, response: '', classification: classification('', 'feedback', { action: 'none', retryable: false }), feedbackType,
    });
    // a's spam report arrives twice: the ESP's webhook and the mailbox provider's ARF copy
    await w.engine.applyBounceEvent(report(a, 'sg-1', 'webhook', null));
    await w.engine.applyBounceEvent(report(a, '<arf-1@isp>', 'dsn', 'abuse'));
    await w.engine.applyBounceEvent(report(b, '<arf-2@isp>', 'dsn', 'fraud'));
    await w.engine.applyBounceEvent(report(c, '<arf-3@isp>', 'dsn', 'opt-out'));
    await w.engine.applyBounceEvent(report(d, '<arf-4@isp>', 'dsn', 'auth-failure'));
    await w.engine.applyBounceEvent(report(e, '<arf-5@isp>', 'dsn', 'abuse'));
    const complained = (await w.store.listEvents(0, 1000)).filter((x) => x.type === 'delivery.complained');
    assert.deepEqual(complained.map((x) => [x.recipient, x.data.kind]), [['a@big.example', 'spam'], ['b@big.example', 'spam'], ['c@big.example', 'unsubscribe'], ['e@small.example', 'spam']]);
    const f = { from: w.t0, to: w.t0 + 2 * HOUR };
    w.clock.set(w.t0 + HOUR);
    const all = (await w.metrics.summary(f)).outcomes;
    assert.deepEqual([all.delivered, all.complaints, all.complaintRate, all.complaintLevel], [5, 3, 3 / 5, 'too-high']);
    const big = (await w.metrics.summary({ ...f, domain: 'big.example' })).outcomes;
    assert.deepEqual([big.delivered, big.complaints, big.complaintRate], [4, 2, 0.5]);
    assert.equal((await w.metrics.summary({ ...f, reason: 'feedback' })).outcomes.complaintRate, null, 'a reason filter leaves the deliveries out: no rate');
    assert.equal((await w.metrics.summary({ ...f, from: w.t0 + 2 * HOUR, to: w.t0 + 3 * HOUR })).outcomes.complaints, 0, 'counted in the hour they arrived');
  });

  test('incidents are folded from the outbox once: repeated syncs change nothing', async (t) => {
    const w = await threeIncidents();
    t.after(w.cleanup);
    const f = { from: w.t0, to: w.t0 + 48 * HOUR };
    const first = await w.metrics.summary(f);
    assert.equal(await w.metrics.sync(), 0);
    assert.deepEqual(await w.metrics.summary(f), first);
  });
});
