import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import Fastify from 'fastify';
import { cookieValue, requestToken, tokenAccepted } from '../../src/web/token.ts';
import { dashboard } from '../../src/web/plugin.ts';

const TOKEN = 'rbd_test-token';

async function app() {
  const a = Fastify();
  await a.register(dashboard, { accepts: (t) => tokenAccepted([TOKEN], t), now: () => 1_700_000_000_000 });
  return a;
}

test('the token is read from the bearer header first, else from the rebound_token cookie', () => {
  assert.equal(requestToken({ headers: { authorization: 'Bearer abc', cookie: 'rebound_token=xyz' } }), 'abc');
  assert.equal(requestToken({ headers: { cookie: 'theme=dark; rebound_token=xyz%2F1; other=1' } }), 'xyz/1');
  assert.equal(requestToken({ headers: { authorization: 'Basic dXNlcjpwYXNz' } }), null);
  assert.equal(requestToken({ headers: {} }), null);
});

test('a malformed, empty or huge cookie header gives no token instead of throwing', () => {
  assert.equal(cookieValue('rebound_token=%E0%A4%A', 'rebound_token'), null);
  assert.equal(cookieValue('rebound_token=', 'rebound_token'), null);
  assert.equal(cookieValue(`rebound_token=${'a'.repeat(600)}`, 'rebound_token'), null);
  assert.equal(cookieValue(`x=${'a'.repeat(20_000)}; rebound_token=t`, 'rebound_token'), null);
  fc.assert(fc.property(fc.string({ maxLength: 2000 }), fc.string({ maxLength: 300 }), (header, auth) => {
    const t = requestToken({ headers: { cookie: header, authorization: auth } });
    assert.ok(t === null || (typeof t === 'string' && t.length > 0 && t.length <= 512));
  }));
});

test('only a configured token is accepted, compared whole', () => {
  assert.equal(tokenAccepted([TOKEN], TOKEN), true);
  assert.equal(tokenAccepted([TOKEN], TOKEN.slice(0, -1)), false);
  assert.equal(tokenAccepted([TOKEN], `${TOKEN}x`), false);
  assert.equal(tokenAccepted([TOKEN], null), false);
  assert.equal(tokenAccepted([], ''), false);
});

test('the login form refuses garbage bodies without a cookie and never crashes', async () => {
  const a = await app();
  const bodies = fc.sample(fc.oneof(fc.string({ maxLength: 3000 }), fc.constant('token=%'), fc.constant('token=' + 'x'.repeat(9000))), 60);
  for (const payload of bodies) {
    const res = await a.inject({ method: 'POST', url: '/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload });
    assert.ok([401, 413].includes(res.statusCode), `status ${res.statusCode} for ${JSON.stringify(payload).slice(0, 80)}`);
    assert.equal(res.headers['set-cookie'], undefined);
  }
  const json = await a.inject({ method: 'POST', url: '/login', payload: { token: TOKEN } });
  assert.equal(json.statusCode, 303, 'a JSON body with the token logs in too');
  assert.match(String(json.headers['set-cookie']), /HttpOnly; SameSite=Strict/);
  await a.close();
});

test('only the files the dashboard ships are served: no path leaves the static folder', async () => {
  const a = await app();
  for (const url of ['/static/../plugin.ts', '/static/%2e%2e/token.ts', '/static/pages/../../routes.ts', '/vendor/../package.json', '/static/nope.js']) {
    const res = await a.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 404, url);
  }
  const js = await a.inject({ method: 'GET', url: '/static/app.js' });
  assert.equal(js.statusCode, 200);
  assert.match(String(js.headers['content-type']), /javascript/);
  assert.match(String(js.headers['content-security-policy']), /script-src 'self'/);
  const uplot = await a.inject({ method: 'GET', url: '/vendor/uplot.esm.js' });
  assert.equal(uplot.statusCode, 200, 'uPlot comes from node_modules, not a CDN');
  await a.close();
});

test('the pages and the clock need a token; the login page does not', async () => {
  const a = await app();
  assert.equal((await a.inject({ url: '/' })).statusCode, 303);
  assert.equal((await a.inject({ url: '/web/clock' })).statusCode, 401);
  assert.equal((await a.inject({ url: '/login' })).statusCode, 200);
  const clock = await a.inject({ url: '/web/clock', headers: { cookie: `rebound_token=${TOKEN}` } });
  assert.deepEqual(clock.json(), { now: 1_700_000_000_000, timeZone: 'UTC' });
  const page = await a.inject({ url: '/', headers: { cookie: `rebound_token=${TOKEN}` } });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<script type="module" src="\/static\/app.js">/);
  await a.close();
});
