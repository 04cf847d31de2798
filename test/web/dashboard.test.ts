import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { TestClock } from '../../src/engine/clock.ts';
import { Engine } from '../../src/engine/engine.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { Summary } from '../../src/metrics/index.ts';
import { seededRandom } from '../../src/policy/schedule.ts';
import { defaultClassifier } from '../../src/classify/index.ts';
import { buildApp } from '../../src/server/app.ts';
import { BounceWriter } from '../../src/server/bounce-writer.ts';
import { seedHistory, type SeededHistory } from './seed-history.ts';

const CHROMIUM = '/usr/bin/chromium';
const HOUR_MS = 3_600_000;
const TOKEN = 'dashboard-test-token-3f9a';
const SCREENSHOTS = new URL('../../docs/screenshots/', import.meta.url).pathname;
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && process.env.REBOUND_REQUIRE_BROWSER === '1') {
  throw new Error(`REBOUND_REQUIRE_BROWSER=1 but ${CHROMIUM} is missing: install Debian's chromium package`);
}
const skip = haveBrowser ? false : `${CHROMIUM} not found: the dashboard's browser tests need Debian's chromium (set REBOUND_REQUIRE_BROWSER=1 to make this a failure)`;

describe('the web dashboard in a real browser', { skip }, () => {
  let dir: string;
  let store: SqliteStore;
  let clock: TestClock;
  let engine: Engine;
  let app: FastifyInstance;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  let seeded: SeededHistory;
  let seedStart: number;

  const api = async <T = unknown>(path: string): Promise<T> => {
    const res = await fetch(base + path, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 200, `${path} answered ${res.status}`);
    return (await res.json()) as T;
  };
  /** The same window the page uses: the selected span (7 days) ending at the server's clock. */
  const window7d = () => ({ from: clock.now() - 7 * 86_400_000, to: clock.now() });
  const summary = () => {
    const w = window7d();
    return api<Summary>(`/v1/metrics/summary?from=${w.from}&to=${w.to}`);
  };
  /** Navigates inside the one-page app and waits until the page has drawn its data. */
  const show = async (hash: string) => {
    await page.evaluate((h) => { location.hash = h; }, hash);
    await page.waitForSelector('main[data-loaded]');
  };
  const text = async (testid: string) => (await page.getByTestId(testid).innerText()).trim();
  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rebound-web-'));
    store = new SqliteStore(join(dir, 'rebound.db'), { durability: 'normal' });
    clock = new TestClock();
    seedStart = clock.now();
    engine = new Engine({ store, clock, random: seededRandom(7) });
    seeded = await seedHistory(engine, clock);
    // The real HTTP API with its route list (the dashboard's entry included), on the seeded store.
    app = await buildApp({
      context: { engine, store, classifier: defaultClassifier(), bounces: new BounceWriter(engine), bodyLimit: 1 << 20, returnPathDomain: 'bounces.localhost' },
      tokens: [TOKEN], tokenStore: null, logger: false,
    });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    mkdirSync(SCREENSHOTS, { recursive: true });
    context = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      viewport: { width: 1366, height: 860 },
      acceptDownloads: true,
      baseURL: base,
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => { throw err; });
  });

  after(async () => {
    await context?.close();
    await app?.close();
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('gives no data and no page without a token, and the login sets an HttpOnly SameSite=Strict cookie', async () => {
    assert.equal((await fetch(`${base}/v1/metrics/summary?from=0&to=1`)).status, 401);
    assert.equal((await fetch(`${base}/web/clock`)).status, 401);
    const root = await fetch(`${base}/`, { redirect: 'manual' });
    assert.equal(root.status, 303);
    assert.equal(root.headers.get('location'), '/login');
    const bad = await fetch(`${base}/login`, { method: 'POST', body: new URLSearchParams({ token: 'wrong' }), redirect: 'manual' });
    assert.equal(bad.status, 401);
    assert.match(await bad.text(), /not valid/);
    const good = await fetch(`${base}/login`, { method: 'POST', body: new URLSearchParams({ token: TOKEN }), redirect: 'manual' });
    assert.equal(good.status, 303);
    const cookie = good.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^rebound_token=/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
  });

  test('logs in through the form and the overview shows the figures the API returns', async () => {
    await page.goto('/');
    assert.match(page.url(), /\/login$/);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForSelector('main[data-loaded]');
    assert.equal(await page.evaluate(() => document.cookie), '', 'the token cookie is invisible to scripts');

    const s = await summary();
    const { reasons: guide } = await api<{ reasons: Record<string, { category: string; whatToDo: string[] }> }>('/v1/reasons');
    assert.ok(s.deferrals.total > 0, 'the seeded history has deferrals');
    assert.equal(await text('deferrals-total'), String(s.deferrals.total));
    assert.equal(await text('incidents-open'), String(s.resolution.open.length));
    assert.equal(await text('incidents-resolved'), String(s.resolution.count));
    assert.equal(await text('retry-rate'), `${((s.retrySuccess.rate ?? 0) * 100).toFixed(1)} %`);
    assert.ok(s.outcomes.delivered > 0, 'the seeded history has deliveries');
    assert.equal(await text('delivered-total'), String(s.outcomes.delivered));
    assert.equal(await text('bounce-rate'), `${((s.outcomes.bounceRate ?? 0) * 100).toFixed(1)} %`);
    // the seeded spam report: its rate, and the mailbox providers' verdict on it
    assert.equal(s.outcomes.complaints, 1);
    assert.equal(await text('complaint-rate'), `${((s.outcomes.complaintRate ?? 0) * 100).toFixed(2)} %`);
    assert.equal(await page.getByTestId('complaint-rate').getAttribute('data-level'), 'too-high');
    const counts = await api<Record<string, number>>('/v1/deliveries/counts');
    for (const status of ['queued', 'deferred', 'delivered', 'failed']) assert.equal(await text(`queue-${status}`), String(counts[status] ?? 0), status);

    const reasons = await page.getByTestId('by-reason').locator('tbody tr').allInnerTexts();
    // each reason is shown with its kind beside it, so nobody needs to know what "notaccept" means
    assert.deepEqual(reasons.map((r) => r.split('\t')), Object.entries(s.deferrals.byReason).sort((a, b) => b[1] - a[1]).map(([k, n]) => [`${k} (${guide[k]!.category.toLowerCase()})`, String(n)]));
    // permanent refusals, which no deferral figure shows: each reason with what to do and who refused
    assert.equal(await text('refusals-total'), String(s.refusals.total));
    assert.deepEqual(s.refusals.byReason, { blocked: 2, userunknown: 1 });
    const refusals = await page.getByTestId('refusals').locator('tbody tr').allInnerTexts();
    assert.equal(refusals.length, 2);
    assert.match(refusals[0]!, /^blocked \(reputation\)\t2\t/);
    assert.ok(refusals[0]!.includes(guide.blocked!.whatToDo[0]!), 'the first thing to do is shown');
    assert.match(refusals[0]!, /strict\.example \(2\)$/);
    assert.match(refusals[1]!, /^userunknown \(address\)\t1\t.*gone\.example \(1\)$/s);
    const openRows = await page.getByTestId('open-incidents').locator('tbody tr td:first-child').allInnerTexts();
    assert.deepEqual(openRows, s.resolution.open.map((i) => i.domain));
    assert.equal(await page.getByTestId('deferrals-chart').getAttribute('data-total'), String(s.deferrals.total), 'the chart plots every deferral');
    assert.equal(await page.locator('[data-testid="deferrals-chart"] canvas').count(), 1);
    // the footer's time is the server's clock (a test clock here, years from the browser's)
    assert.match(await page.locator('footer').innerText(), /^Updated 2026-01-\d\d \d\d:\d\d UTC \(server clock\)/);
    await shot('overview.png');
  });

  test('ranks problematic servers as the API does and clicks through from one to its delivery timeline', async () => {
    await show('#/destinations');
    const s = await summary();
    const ranked = await page.getByTestId('ranking').locator('tbody tr td:nth-child(2)').allInnerTexts();
    assert.deepEqual(ranked, s.destinations.map((d) => d.domain));
    const { destinations } = await api<{ destinations: Array<{ domain: string; health: string; lastReply: string }> }>('/v1/destinations');
    const rows = await page.getByTestId('destinations').locator('tbody tr td:first-child').allInnerTexts();
    assert.deepEqual(rows.sort(), destinations.map((d) => d.domain).sort());
    await shot('destinations.png');

    await page.getByTestId('ranking').getByRole('link', { name: 'down.example' }).click();
    await page.waitForSelector('[data-testid="domain-deliveries"]');
    await page.getByTestId('domain-deliveries').getByRole('link', { name: seeded.downDelivery }).click();
    await page.waitForSelector('[data-testid="timeline"]');
    const { attempts } = await api<{ attempts: Array<{ response: string; reason: string; rule: string }> }>(`/v1/deliveries/${seeded.downDelivery}`);
    assert.ok(attempts.length >= 2 && attempts[0]!.rule.length > 0, 'the API gives each attempt its rule');
    const timeline = page.getByTestId('timeline').locator('tbody tr');
    assert.equal(await timeline.count(), attempts.length);
    assert.equal(await timeline.first().locator('td[data-col="reply"]').innerText(), attempts[0]!.response);
    assert.equal(await timeline.first().locator('td[data-col="reason"]').innerText(), attempts[0]!.reason);
    assert.equal(await timeline.first().locator('td[data-col="rule"]').innerText(), attempts[0]!.rule);
    await shot('lookup-delivery.png');
  });

  test('the retry funnel shows how many deliveries each attempt recovered', async () => {
    await show('#/funnel');
    const r = (await summary()).retrySuccess;
    assert.ok(r.delivered > 0);
    assert.equal(await text('funnel-deferred'), String(r.deferred));
    assert.equal(await text('funnel-delivered'), String(r.delivered));
    assert.equal(await text('funnel-pending'), String(r.pending));
    const rows = await page.getByTestId('funnel').locator('tbody tr').allInnerTexts();
    assert.deepEqual(rows.map((x) => x.split('\t').slice(0, 2)), r.byAttempt.map((a) => [String(a.attempt), String(a.delivered)]));
    assert.equal(await page.getByTestId('funnel-chart').getAttribute('data-total'), String(r.delivered));
    await shot('retry-funnel.png');
  });

  test('the time-of-day heatmap puts every deferral in its weekday and hour cell', async () => {
    await show('#/time-of-day');
    const grid = (await summary()).timeOfDay;
    for (let d = 0; d < 7; d++) {
      for (let hr = 0; hr < 24; hr++) {
        const cell = (await page.locator(`td[data-day="${d}"][data-hour="${hr}"]`).innerText()).trim();
        assert.equal(cell, grid[d]![hr] ? String(grid[d]![hr]) : '', `weekday ${d} hour ${hr}`);
      }
    }
    // The seed starts on Monday 2026-01-05 at 09:00 UTC with six deferrals.
    assert.equal(grid[0]![9], 6);
    await shot('time-of-day.png');
  });

  test('a segment lists the affected recipients and its CSV export matches the API', async () => {
    await show('#/segments');
    await page.getByLabel('status').selectOption('deferred');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="csv-link"]')?.getAttribute('href')?.includes('kind=deferred'));
    const w = window7d();
    const href = await page.getByTestId('csv-link').getAttribute('href');
    assert.ok(href);
    const q = new URL(href, base).searchParams;
    assert.equal(q.get('kind'), 'deferred');
    assert.equal(q.get('format'), 'csv');
    const recipients = await api<Array<{ recipient: string }>>(`/v1/segments/affected?kind=deferred&from=${q.get('from')}&to=${q.get('to')}&format=json`);
    assert.equal(Number(q.get('to')), w.to);
    assert.ok(recipients.length >= 3, 'the down destination leaves deferred recipients');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="segment"] tbody tr').length === n, recipients.length);
    assert.equal(await text('segment-count'), `${recipients.length} recipients`);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv-link').click()]);
    const csv = readFileSync((await download.path())!, 'utf8').trim().split(/\r?\n/); // RFC 4180 lines end in CRLF
    assert.equal(csv[0], 'recipient,domain,status,reason,enhanced,count,at');
    assert.deepEqual(csv.slice(1).map((l) => l.split(',')[0]).sort(), recipients.map((r) => r.recipient).sort());
    await shot('segments.png');

    // a filter the API refuses says why and leaves nothing of the previous result behind
    await page.getByLabel('reason').fill('notaccpt');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForFunction(() => /Filter not applied/.test(document.querySelector('[data-testid="segment-count"]')?.textContent ?? ''));
    assert.match(await text('segment-count'), /reason must be one of/);
    assert.equal(await page.locator('[data-testid="segment"] tbody tr').count(), 0);
    assert.equal(await page.getByTestId('csv-link').getAttribute('href'), null);
    await page.getByLabel('reason').fill('');
  });

  test('looking up an address shows its status and reactivating it changes the store', async () => {
    await show(`#/lookup?q=${encodeURIComponent(seeded.suppressed)}`);
    assert.equal(await text('address-status'), 'suppressed');
    assert.match(await page.getByTestId('advice').innerText(), /^userunknown: address\n[^]*What to do:\n/);
    await shot('lookup-address.png');
    await page.getByRole('button', { name: 'Reactivate' }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="address-status"]')?.textContent === 'active');
    const address = await api<{ status: string }>(`/v1/addresses/${encodeURIComponent(seeded.suppressed)}`);
    assert.equal(address.status, 'active');
  });

  test("a refused delivery's page says what the refusal means and what to do about it", async () => {
    await show(`#/lookup?q=${encodeURIComponent(seeded.blockedDelivery)}`);
    assert.equal(await text('delivery-status'), 'failed');
    const advice = await page.getByTestId('advice').innerText();
    assert.match(advice, /^blocked: reputation\n/);
    assert.match(advice, /Check block lists and request delisting/);
  });

  test('suppressing an address by hand asks first; saying no changes nothing', async () => {
    await show(`#/lookup?q=${encodeURIComponent('pat@strict.example')}`);
    page.once('dialog', (d) => void d.dismiss());
    await page.getByRole('button', { name: 'Suppress' }).click();
    assert.equal((await api<{ status: string }>('/v1/addresses/pat%40strict.example')).status, 'active');
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Suppress' }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="address-status"]')?.textContent === 'suppressed');
  });

  test('the campaigns page lists the tagged sends and shows one as the API does: outcomes, why they failed with what to do, bounce rate', async () => {
    await show('#/campaigns');
    assert.deepEqual(await page.getByTestId('campaigns').locator('tbody tr td:first-child').allInnerTexts(), ['spring-sale']);
    await page.getByRole('link', { name: 'spring-sale' }).click();
    await page.waitForSelector('[data-testid="campaign-total"]');
    const one = await api<{ deliveries: Record<string, number>; bounceRate: number; failedByReason: Record<string, number> }>('/v1/tags/spring-sale');
    assert.equal(await text('campaign-total'), String(one.deliveries.total));
    assert.equal(await text('campaign-delivered'), String(one.deliveries.delivered));
    assert.equal(await text('campaign-bounce-rate'), `${(one.bounceRate * 100).toFixed(1)} %`);
    const { complaintRate } = await api<{ complaintRate: number }>('/v1/tags/spring-sale');
    assert.equal(await text('campaign-complaint-rate'), `${(complaintRate * 100).toFixed(2)} %`);
    const failed = await page.getByTestId('campaign-failed-by-reason').locator('tbody tr').allInnerTexts();
    assert.deepEqual(failed.length, Object.keys(one.failedByReason).length);
    assert.ok(failed.some((r) => /blocked/.test(r) && /block list/i.test(r)), `the block-list refusal comes with what to do: ${failed.join(' | ')}`);
    await shot('campaigns.png');
    await show('#/campaigns?tag=nothing-such');
    await page.waitForSelector('[data-testid="campaign-missing"]');
  });

  test('new deferrals appear on the overview without a reload', async () => {
    await show('#/overview');
    await page.evaluate(() => { (window as unknown as { stayed: boolean }).stayed = true; });
    const before = Number(await text('deferrals-total'));
    // Metrics count by hour, and the window ends at "now": move into the hour after the seed's last.
    clock.advance(10 * 60_000);
    const [id] = (await engine.submit({ from: 'news@sender.example', raw: Buffer.from('x') }, ['new@down.example'])).deliveries.map((d) => d.id);
    await engine.recordOutcome(id!, {
      deliveryId: id!, attemptId: 'live-1', at: clock.now(), destination: 'mx.down.example', phase: 'rcpt',
      response: '451 4.3.2 System not accepting network messages', classification: (await import('../../src/classify/index.ts')).classify('451 4.3.2 System not accepting network messages'), durationMs: 1,
    });
    await page.waitForFunction((n) => document.querySelector('[data-testid="deferrals-total"]')?.textContent === String(n), before + 1, { timeout: 15_000 });
    assert.equal(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed), true, 'the page was not reloaded');
  });

  test('a custom window (From and To in UTC) shows the figures of that span, as the API gives them', async () => {
    await show('#/overview');
    const from = seedStart + 2 * HOUR_MS;
    const to = seedStart + 12 * HOUR_MS + 30 * 60_000;
    const s = await api<Summary>(`/v1/metrics/summary?from=${from}&to=${to}`);
    assert.notEqual(s.deferrals.total, (await summary()).deferrals.total, 'the span is not the whole history');
    await page.getByLabel('Window').selectOption('custom');
    await page.getByLabel('From (UTC)').fill(new Date(from).toISOString().slice(0, 16));
    await page.getByLabel('To (UTC)').fill(new Date(to).toISOString().slice(0, 16));
    await page.waitForFunction(([d, n]) => document.querySelector('[data-testid="deferrals-total"]')?.textContent === String(d)
      && document.querySelector('[data-testid="delivered-total"]')?.textContent === String(n), [s.deferrals.total, s.outcomes.delivered], { timeout: 15_000 });
    // a To before the From is said, not drawn
    await page.getByLabel('To (UTC)').fill(new Date(from - HOUR_MS).toISOString().slice(0, 16));
    await page.waitForFunction(() => /custom window needs a From before its To/.test(document.getElementById('status')?.textContent ?? ''), null, { timeout: 15_000 });
    assert.equal(await page.evaluate(() => document.getElementById('main')!.classList.contains('stale')), true, 'the figures shown are greyed out');
    await page.getByLabel('Window').selectOption('604800');
    await page.waitForFunction(() => !/custom window/.test(document.getElementById('status')?.textContent ?? '') && !document.getElementById('main')!.classList.contains('stale'), null, { timeout: 15_000 });
  });

  test('the pages can be reached with the keyboard alone', async () => {
    await show('#/overview');
    await page.focus('a.skip'); // the first stop on the page
    await page.keyboard.press('Tab'); // "Rebound"
    await page.keyboard.press('Tab'); // Overview
    await page.keyboard.press('Tab'); // Destinations
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Destinations');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    assert.notEqual(outline, 'none', 'the focused link shows a focus ring');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('main')?.dataset.page === 'destinations');
    assert.equal(await page.locator('nav a[aria-current="page"]').innerText(), 'Destinations');
  });
});
