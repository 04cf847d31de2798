import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Change, RecordState, Store } from '../../../src/store/store.ts';
import type { AddressRecord, DeliveryRecord } from '../../../src/store/types.ts';
import { delivery, message, write } from '../fixtures.ts';
import type { StoreFactory } from './factories.ts';

const T = 1_700_000_000_000;
type Ctx = { after: (fn: () => Promise<void> | void) => void };

/** One behavioural suite for the Store interface, run against every backend through its factory. */
export function storeContract(factory: StoreFactory): void {
  /** A fresh store, closed and cleaned up after the test; `again()` opens a second connection (another node). */
  async function fresh(t: Ctx): Promise<{ store: Store; again: () => Store }> {
    const f = await factory.fresh();
    const opened: Store[] = [];
    const open = () => {
      const s = f.open();
      opened.push(s);
      return s;
    };
    t.after(async () => {
      for (const s of opened) await s.close();
      await f.cleanup();
    });
    return { store: open(), again: open };
  }

  const delivered = (item: { deliveryId: string; attemptId: string | null }, state: RecordState): Change => {
    const d = state.delivery!;
    return {
      attempt: { id: item.attemptId!, deliveryId: d.id, n: d.attempts + 1, at: T, source: 'smtp', destination: 'mx.example.org', phase: 'data', basic: 250, enhanced: '2.0.0', class: 'success', reason: 'delivered', response: '250 ok', durationMs: 3, rule: 'r' },
      delivery: { ...d, status: 'delivered', attempts: d.attempts + 1, nextAttemptAt: null, lockedBy: null, lockedUntil: null },
      events: [{ at: T, type: 'delivery.delivered', deliveryId: d.id, recipient: d.recipient, domain: d.domain, data: { attempts: d.attempts + 1 } }],
    };
  };

  describe(`Store contract: ${factory.name}`, { skip: factory.skip ?? false }, () => {
    test('a claim leases the oldest due deliveries; leased ones are not claimed again until the lease ends', async (t) => {
      const { store } = await fresh(t);
      const ds = [delivery('d3', 'm', T + 30), delivery('d1', 'm', T + 10), delivery('d2', 'm', T + 20), delivery('later', 'm', T + 1000)];
      await store.submit([], write(message('m', T), ds));
      const first = await store.claimDue({ now: T + 100, limit: 2, worker: 'w1', lockedUntil: T + 500 });
      assert.deepEqual(first.map((d) => [d.id, d.lockedBy, d.lockedUntil]), [['d1', 'w1', T + 500], ['d2', 'w1', T + 500]]);
      const second = await store.claimDue({ now: T + 100, limit: 10, worker: 'w2', lockedUntil: T + 600 });
      assert.deepEqual(second.map((d) => d.id), ['d3']);
      assert.deepEqual(await store.claimDue({ now: T + 499, limit: 10, worker: 'w2', lockedUntil: T + 900 }), []);
      const again = await store.claimDue({ now: T + 500, limit: 10, worker: 'w2', lockedUntil: T + 900 });
      assert.deepEqual(again.map((d) => [d.id, d.lockedBy]), [['d1', 'w2'], ['d2', 'w2']]);
      assert.equal(await store.nextDueAt(), T + 600, 'next due is when d3\'s lease ends');
    });

    test('countWaiting is the queued and deferred of countDeliveries', async (t) => {
      const { store } = await fresh(t);
      await store.submit([], write(message('m', T), [
        delivery('q1', 'm', T), delivery('q2', 'm', T), delivery('w', 'm', T, { status: 'deferred' }),
        delivery('ok', 'm', T, { status: 'delivered', nextAttemptAt: null }), delivery('no', 'm', T, { status: 'failed', nextAttemptAt: null }),
      ]));
      assert.deepEqual(await store.countWaiting(), { queued: 2, deferred: 1 });
      assert.deepEqual(await store.countDeliveries(), { queued: 2, deferred: 1, delivered: 1, failed: 1 });
    });

    test('latestTime is the latest engine time written, null for an empty store; listDeliveries can list newest first', async (t) => {
      const { store } = await fresh(t);
      assert.equal(await store.latestTime(), null);
      // ids sort by creation time, as the engine makes them (engine/ids.ts): lists run in id order
      await store.submit([], write(message('m', T), [delivery('a', 'm', T + 5), delivery('c', 'm', T + 9), delivery('b', 'm', T + 7)]));
      assert.equal(await store.latestTime(), T + 9);
      assert.deepEqual((await store.listDeliveries({ messageId: 'm', newestFirst: true })).map((d) => d.id), ['c', 'b', 'a']);
      assert.deepEqual((await store.listDeliveries({ messageId: 'm' })).map((d) => d.id), ['a', 'b', 'c']);
    });

    test('listDeliveries filters by any mix of domain, status, recipient and tag, and pages by an id cursor (ids sort by creation)', async (t) => {
      const { store } = await fresh(t);
      const at = (i: number) => T + Math.floor(i / 2); // two deliveries per millisecond: the id breaks ties
      const ds = Array.from({ length: 30 }, (_, i) => delivery(`d${String(i).padStart(2, '0')}`, 'm', at(i), {
        domain: i % 3 === 0 ? 'a.example' : 'b.example', recipient: `u${i % 5}@${i % 3 === 0 ? 'a' : 'b'}.example`, status: i % 4 === 0 ? 'failed' : 'delivered',
      }));
      await store.submit([], write({ ...message('m', T), tag: 'sale' }, ds));
      const ids = (q: Parameters<typeof store.listDeliveries>[0]) => store.listDeliveries(q).then((l) => l.map((d) => d.id));
      const expect = (keep: (d: typeof ds[number]) => boolean) => ds.filter(keep).map((d) => d.id).reverse();
      assert.deepEqual(await ids({ domain: 'a.example', newestFirst: true }), expect((d) => d.domain === 'a.example'));
      assert.deepEqual(await ids({ domain: 'a.example', status: 'failed', newestFirst: true }), expect((d) => d.domain === 'a.example' && d.status === 'failed'));
      assert.deepEqual(await ids({ tag: 'sale', domain: 'b.example', status: 'delivered', newestFirst: true }), expect((d) => d.domain === 'b.example' && d.status === 'delivered'));
      assert.deepEqual(await ids({ recipient: 'u1@b.example', status: 'delivered', newestFirst: true }), expect((d) => d.recipient === 'u1@b.example' && d.status === 'delivered'));
      // pages of 7, newest first, each after the last of the one before: every delivery once, in order
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await store.listDeliveries({ limit: 7, newestFirst: true, after });
        if (page.length === 0) break;
        seen.push(...page.map((d) => d.id));
        after = page.at(-1)!.id;
      }
      assert.deepEqual(seen, expect(() => true));
      const oldest = await store.listDeliveries({ limit: 4, status: 'failed', after: 'd08' });
      assert.deepEqual(oldest.map((d) => d.id), ['d12', 'd16', 'd20', 'd24'], 'oldest first after the cursor');
    });

    test('a claim for nothing returns nothing and leases nothing', async (t) => {
      const { store } = await fresh(t);
      await store.submit([], write(message('m', T), [delivery('d', 'm', T)]));
      assert.deepEqual(await store.claimDue({ now: T, limit: 0, worker: 'w', lockedUntil: T + 10 }), []);
      assert.equal((await store.getDelivery('d'))!.lockedBy, null);
    });

    test('final deliveries are never claimed and leave nothing due', async (t) => {
      const { store } = await fresh(t);
      await store.submit([], write(message('m', T), [
        delivery('done', 'm', T, { status: 'delivered', nextAttemptAt: T }),
        delivery('dead', 'm', T, { status: 'failed', nextAttemptAt: T }),
      ]));
      assert.deepEqual(await store.claimDue({ now: T + 1, limit: 10, worker: 'w', lockedUntil: T + 2 }), []);
      assert.equal(await store.nextDueAt(), null);
    });

    test('two nodes claiming at once from one store never get the same delivery', async (t) => {
      const { store, again } = await fresh(t);
      const other = again();
      await store.submit([], write(message('m', T), Array.from({ length: 200 }, (_, i) => delivery(`d${String(i).padStart(3, '0')}`, 'm', T + i))));
      const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? other : store).claimDue({ now: T + 1000, limit: 30, worker: `w${i}`, lockedUntil: T + 5000 })));
      const ids = claims.flat().map((d) => d.id);
      assert.equal(new Set(ids).size, ids.length, 'no delivery leased twice');
      assert.equal(ids.length, 200, 'between them the eight claims took everything due');
    });

    test('recording the same attempt id twice writes it once: the second decision is not even asked', async (t) => {
      const { store } = await fresh(t);
      await store.submit([], write(message('m', T), [delivery('d', 'm', T)]));
      let asked = 0;
      const decide = (item: { deliveryId: string; attemptId: string | null }, state: RecordState) => {
        asked++;
        return delivered(item, state);
      };
      const [one] = await store.record([{ deliveryId: 'd', attemptId: 'd#1' }], decide);
      const [two] = await store.record([{ deliveryId: 'd', attemptId: 'd#1' }], decide);
      assert.ok(one);
      assert.equal(two, null);
      assert.equal(asked, 1);
      assert.equal((await store.getDelivery('d'))!.attempts, 1);
      assert.deepEqual((await store.listAttempts('d')).map((a) => [a.id, a.n, a.phase, a.class]), [['d#1', 1, 'data', 'success']]);
      assert.deepEqual((await store.listEvents(0, 10)).map((e) => [e.type, e.deliveryId, e.data.attempts]), [['delivery.delivered', 'd', 1]]);
    });

    test('two nodes recording the same attempt at once write it once', async (t) => {
      const { store, again } = await fresh(t);
      const other = again();
      await store.submit([], write(message('m', T), [delivery('d', 'm', T)]));
      const results = await Promise.all([store, other, store, other].map((s) => s.record([{ deliveryId: 'd', attemptId: 'd#1' }], delivered)));
      assert.equal(results.flat().filter((c) => c !== null).length, 1);
      assert.equal((await store.listAttempts('d')).length, 1);
      assert.equal((await store.getDelivery('d'))!.attempts, 1);
    });

    test('later items in one batch see the earlier items\' writes', async (t) => {
      const { store } = await fresh(t);
      await store.submit([], write(message('m', T), [delivery('d', 'm', T)]));
      const seen: number[] = [];
      await store.record([{ deliveryId: 'd', attemptId: 'a1' }, { deliveryId: 'd', attemptId: 'a1' }, { deliveryId: 'd', attemptId: 'a2' }], (item, state) => {
        seen.push(state.delivery!.attempts);
        const d = state.delivery!;
        return { ...delivered(item, state), delivery: { ...d, attempts: d.attempts + 1 } };
      });
      assert.deepEqual(seen, [0, 1], 'the repeated attempt id was skipped; the third item saw one attempt');
      assert.equal((await store.getDelivery('d'))!.attempts, 2);
    });

    test('a decision that throws rolls the whole batch back', async (t) => {
      const { store } = await fresh(t);
      await store.submit([], write(message('m', T), [delivery('a', 'm', T), delivery('b', 'm', T)]));
      await assert.rejects(store.record([{ deliveryId: 'a', attemptId: null }, { deliveryId: 'b', attemptId: null }], (item, state) => {
        if (item.deliveryId === 'b') throw new Error('boom');
        return { delivery: { ...state.delivery!, status: 'failed', nextAttemptAt: null }, events: [{ at: T, type: 'x', deliveryId: 'a', recipient: null, domain: null, data: {} }] };
      }), /boom/);
      assert.equal((await store.getDelivery('a'))!.status, 'queued');
      assert.deepEqual(await store.listEvents(0, 10), []);
    });

    test('a record for an unknown delivery shows the decision a null delivery and address', async (t) => {
      const { store } = await fresh(t);
      let state: RecordState | null = null;
      const [c] = await store.record([{ deliveryId: 'nope', attemptId: null }], (_, s) => {
        state = s;
        return null;
      });
      assert.equal(c, null);
      assert.deepEqual(state, { delivery: null, address: null });
    });

    test('submit shows the plan the recipients\' known addresses and writes message, deliveries, addresses and events', async (t) => {
      const { store } = await fresh(t);
      const known: AddressRecord = { email: 'a@example.org', status: 'unavailable', until: T - 1, reason: 'mailbox_full', deferralCount: 2, failureCount: 1, hardBounceCount: 0, updatedAt: T - 10 };
      await store.changeAddress(known.email, null, () => ({ address: known, events: [] }));
      let shown: string[] = [];
      await store.submit(['a@example.org', 'b@example.org'], (addrs) => {
        shown = [...addrs.keys()];
        return {
          message: message('m', T), deliveries: [delivery('d1', 'm', T, { recipient: 'a@example.org' })],
          addresses: [{ ...addrs.get('a@example.org')!, status: 'active', until: null, updatedAt: T }],
          events: [{ at: T, type: 'delivery.queued', deliveryId: 'd1', recipient: 'a@example.org', domain: 'example.org', data: {} }],
        };
      });
      assert.deepEqual(shown, ['a@example.org']);
      assert.equal((await store.getAddress('a@example.org'))!.status, 'active');
      assert.equal((await store.getAddress('a@example.org'))!.deferralCount, 2);
      assert.deepEqual((await store.listDeliveries({ messageId: 'm' })).map((d) => d.id), ['d1']);
      assert.deepEqual((await store.listEvents(0, 10)).map((e) => e.type), ['delivery.queued']);
    });

    test('a submit whose plan throws writes nothing', async (t) => {
      const { store } = await fresh(t);
      await assert.rejects(store.submit(['x@example.org'], () => {
        throw new Error('bad plan');
      }), /bad plan/);
      assert.equal(await store.getMessage('m'), null);
      assert.deepEqual(await store.countDeliveries(), { queued: 0, deferred: 0, delivered: 0, failed: 0 });
    });

    test('an address report is recorded once by its id and listed by address', async (t) => {
      const { store } = await fresh(t);
      const report = { id: 'r1', email: 'x@example.org', at: T, source: 'webhook' as const, provider: 'ses', basic: 550, enhanced: '5.1.1', reason: 'user_unknown', response: '550 5.1.1 no such user' };
      const decide = (a: AddressRecord | null): Change => ({
        report,
        address: { email: 'x@example.org', status: 'suppressed', until: null, reason: 'user_unknown', deferralCount: 0, failureCount: (a?.failureCount ?? 0) + 1, hardBounceCount: (a?.hardBounceCount ?? 0) + 1, updatedAt: T },
        events: [{ at: T, type: 'address.suppressed', deliveryId: null, recipient: 'x@example.org', domain: 'example.org', data: { reason: 'user_unknown' } }],
      });
      assert.ok(await store.changeAddress('x@example.org', 'r1', decide));
      assert.equal(await store.changeAddress('x@example.org', 'r1', decide), null);
      assert.deepEqual(await store.listAddressReports('x@example.org'), [report]);
      assert.equal((await store.getAddress('x@example.org'))!.hardBounceCount, 1);
      assert.equal((await store.listEvents(0, 10)).length, 1);
    });

    test('changeAddresses writes many address changes in one call, each decided on the address as it stood', async (t) => {
      const { store } = await fresh(t);
      await store.changeAddress('old@x.org', null, () => ({ address: { email: 'old@x.org', status: 'suppressed', until: null, reason: 'earlier', deferralCount: 0, failureCount: 0, hardBounceCount: 0, updatedAt: T }, events: [] }));
      const seen: Array<[string, string | null]> = [];
      const out = await store.changeAddresses(['old@x.org', 'new@x.org'], (email, a) => {
        seen.push([email, a?.status ?? null]);
        if (a?.status === 'suppressed') return null;
        return {
          address: { email, status: 'suppressed', until: null, reason: 'import', deferralCount: 0, failureCount: 0, hardBounceCount: 0, updatedAt: T },
          events: [{ at: T, type: 'address.suppressed', deliveryId: null, recipient: email, domain: 'x.org', data: { reason: 'import' } }],
        };
      });
      assert.deepEqual(seen, [['old@x.org', 'suppressed'], ['new@x.org', null]]);
      assert.deepEqual(out.map((c) => c === null), [true, false]);
      assert.equal((await store.getAddress('new@x.org'))!.reason, 'import');
      assert.equal((await store.getAddress('old@x.org'))!.reason, 'earlier');
      assert.deepEqual((await store.listEvents(0, 10)).map((e) => e.recipient), ['new@x.org']);
    });

    test('a tag summary counts the deliveries of every message with the tag by status, last reason and refusal at submission', async (t) => {
      const { store } = await fresh(t);
      const out = (reason: string) => ({ at: T, basic: 550, enhanced: '5.1.1', class: 'permanent' as const, reason, response: '550 5.1.1 no' });
      await store.submit([], write({ ...message('m1', T), tag: 'spring' }, [
        delivery('a', 'm1', T, { status: 'delivered' }),
        delivery('b', 'm1', T, { status: 'failed', lastOutcome: out('userunknown'), rule: 'builtin/x' }),
        delivery('c', 'm1', T, { status: 'failed', rule: 'address/suppressed' }),
      ]));
      await store.submit([], write({ ...message('m2', T + 10), tag: 'spring' }, [delivery('d', 'm2', T + 10), delivery('e', 'm2', T + 10, { status: 'failed', lastOutcome: out('userunknown'), rule: 'builtin/x' })]));
      await store.submit([], write({ ...message('m3', T + 20), tag: 'autumn' }, [delivery('f', 'm3', T + 20)]));
      await store.submit([], write(message('m4', T + 30), [delivery('g', 'm4', T + 30)]));
      // spam reports are recorded once per delivery under `<delivery>#complaint:spam`; an unsubscribe is not one
      const report = (id: string) => (item: { deliveryId: string; attemptId: string | null }, state: RecordState): Change => ({
        attempt: { ...delivered(item, state).attempt!, id, n: state.delivery!.attempts, source: 'webhook', class: null, reason: 'feedback' }, events: [],
      });
      for (const id of ['a#complaint:spam', 'a#complaint:unsubscribe', 'f#complaint:spam']) await store.record([{ deliveryId: id.split('#')[0]!, attemptId: id }], report(id));
      const s = (await store.tagSummary('spring'))!;
      assert.deepEqual([s.messages, s.firstAt, s.lastAt, s.complaints], [2, T, T + 10, 1]);
      const rows = s.rows.map((r) => [r.status, r.reason, r.refusedAtSubmission, r.count]).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
      assert.deepEqual(rows, [['delivered', null, null, 1], ['failed', 'userunknown', null, 2], ['failed', null, 'address/suppressed', 1], ['queued', null, null, 1]].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))));
      assert.equal(await store.tagSummary('winter'), null);
      assert.deepEqual((await store.listTags(10)).map((x) => [x.tag, x.messages, x.lastAt]), [['autumn', 1, T + 20], ['spring', 2, T + 10]]);
      assert.equal((await store.getMessage('m1'))!.tag, 'spring');
      // a tag's deliveries are listed like any others, by status too
      assert.deepEqual((await store.listDeliveries({ tag: 'spring' })).map((d) => d.id), ['a', 'b', 'c', 'd', 'e']);
      assert.deepEqual((await store.listDeliveries({ tag: 'spring', status: 'failed', newestFirst: true })).map((d) => d.id), ['e', 'c', 'b'], 'newest first, then by id');
      assert.deepEqual(await store.listDeliveries({ tag: 'winter' }), []);
    });

    test('due reactivations and delay warnings come back in order up to the limit', async (t) => {
      const { store } = await fresh(t);
      for (const [email, until] of [['late@x.org', T + 50], ['early@x.org', T + 10], ['future@x.org', T + 500]] as const) {
        await store.changeAddress(email, null, () => ({ address: { email, status: 'unavailable', until, reason: 'mailbox_full', deferralCount: 0, failureCount: 0, hardBounceCount: 0, updatedAt: T }, events: [] }));
      }
      assert.deepEqual(await store.dueReactivations(T + 100, 10), ['early@x.org', 'late@x.org']);
      assert.deepEqual(await store.dueReactivations(T + 100, 1), ['early@x.org']);
      await store.submit([], write(message('m', T), [
        delivery('w2', 'm', T + 1000, { delayWarningAt: T + 20 }), delivery('w1', 'm', T + 1000, { delayWarningAt: T + 10 }),
        delivery('gone', 'm', T, { status: 'delivered', nextAttemptAt: null, delayWarningAt: T + 5 }),
      ]));
      assert.deepEqual(await store.dueDelayWarnings(T + 100, 10), ['w1', 'w2'], 'a final delivery\'s warning is never due');
    });

    test('the outbox lists events after a cursor, in order, with their data', async (t) => {
      const { store } = await fresh(t);
      await store.submit([], () => ({
        message: message('m', T), deliveries: [], addresses: [],
        events: [1, 2, 3, 4, 5].map((i) => ({ at: T + i, type: 'delivery.deferred', deliveryId: null, recipient: 'x@y.z', domain: 'y.z', data: { i, nested: { ok: true } } })),
      }));
      const all = await store.listEvents(0, 100);
      assert.deepEqual(all.map((e) => e.data.i), [1, 2, 3, 4, 5]);
      const after = await store.listEvents(all[1]!.id, 2);
      assert.deepEqual(after.map((e) => e.data.i), [3, 4]);
      assert.deepEqual(after[0]!.data.nested, { ok: true });
    });

    test('destination counters add up, a success ends the run of failures, and health is shared by every node', async (t) => {
      const { store, again } = await fresh(t);
      await store.submit([], write(message('m', T), [delivery('a', 'm', T), delivery('b', 'm', T), delivery('c', 'm', T)]));
      const observe = (id: string, success: boolean, at: number) => store.record([{ deliveryId: id, attemptId: null }], () => ({
        destination: { domain: 'example.org', mxHost: 'mx1.example.org', at, success, reply: success ? '250 ok' : '451 4.3.2 busy' }, events: [],
      }));
      await observe('a', false, T + 1);
      await observe('b', false, T + 2);
      let d = (await store.getDestination('example.org'))!;
      assert.deepEqual([d.attemptCount, d.failureCount, d.successCount, d.consecutiveFailures, d.lastReply, d.mxHost], [2, 2, 0, 2, '451 4.3.2 busy', 'mx1.example.org']);
      await observe('c', true, T + 3);
      d = (await store.getDestination('example.org'))!;
      assert.deepEqual([d.attemptCount, d.failureCount, d.successCount, d.consecutiveFailures, d.health], [3, 2, 1, 0, 'open']);
      await store.updateDestinationHealth('example.org', { health: 'suspended', suspendedUntil: T + 300_000 }, T + 4, [
        { at: T + 4, type: 'destination.suspended', deliveryId: null, recipient: null, domain: 'example.org', data: { until: T + 300_000 } },
      ]);
      const seenByAnother = (await again().getDestination('example.org'))!;
      assert.deepEqual([seenByAnother.health, seenByAnother.suspendedUntil, seenByAnother.attemptCount], ['suspended', T + 300_000, 3]);
      assert.deepEqual((await store.listDestinations()).map((x) => x.domain), ['example.org']);
      assert.deepEqual((await store.listEvents(0, 10)).map((e) => e.type), ['destination.suspended']);
    });

    test('a large message and odd text round-trip byte for byte', async (t) => {
      const { store } = await fresh(t);
      const raw = Buffer.alloc(4 << 20, 0xff);
      raw.write('Subject: \u00e9\u0000\r\n', 0, 'utf8');
      await store.submit([], write(message('big', T, raw), [delivery('d', 'big', T, { recipient: "o'brien+\u{1F600}@example.org" })]));
      const m = (await store.getMessage('big'))!;
      assert.ok(m.raw.equals(raw));
      assert.equal((await store.getDelivery('d'))!.recipient, "o'brien+\u{1F600}@example.org");
      assert.equal(await store.getMessage("'; DROP TABLE messages; --"), null);
      assert.deepEqual([...(await store.getMessages(['big', 'big', 'none'])).keys()], ['big']);
    });

    test('a delivery round-trips every field, and lists filter by message, recipient and status', async (t) => {
      const { store } = await fresh(t);
      const full: DeliveryRecord = delivery('full', 'm', T, {
        status: 'deferred', attempts: 2, maxAttempts: 9, nextAttemptAt: T + 60_000, firstDeferredAt: T + 1, expiresAt: T + 99_000,
        lastOutcome: { at: T + 2, basic: 451, enhanced: '4.3.2', class: 'transient', reason: 'system_not_accepting', response: '451 4.3.2 not now' },
        rule: 'seed/4.3.2', delayWarningAt: T + 3_600_000,
      });
      await store.submit([], write(message('m', T), [full, delivery('other', 'm', T, { recipient: 'z@example.org' })]));
      assert.deepEqual(await store.getDelivery('full'), full);
      assert.deepEqual((await store.listDeliveries({ status: 'deferred' })).map((d) => d.id), ['full']);
      assert.deepEqual((await store.listDeliveries({ recipient: 'z@example.org' })).map((d) => d.id), ['other']);
      assert.deepEqual((await store.listDeliveries({ messageId: 'm', limit: 1 })).length, 1);
      assert.deepEqual(await store.countDeliveries(), { queued: 1, deferred: 1, delivered: 0, failed: 0 });
      assert.equal(await store.getDelivery('absent'), null);
    });
  });
}
