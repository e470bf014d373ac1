'use strict';
// Failover never turns a blip into an outage (PROTOCOLS.md B, "Transient failures never cause an
// outage" and "What the client gets when nothing could serve"): outlier detection, panic-mode
// probes, same-account retries, honest errors with retry-after, limits that end on time.
const test = require('node:test');
const assert = require('node:assert/strict');
const { freePort } = require('./lib/ports');
const { request } = require('./lib/http');
const { metricValue } = require('./lib/metrics');
const { startClaudeEnv, api, oauth, tableRow } = require('./lib/claude-env');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const accountsOf = (calls) => calls.map((c) => c.account);
const unixIn = (s) => String(Math.floor(Date.now() / 1000) + s);

function single(t, config = {}, spec = {}) {
  return startClaudeEnv(t, { accounts: [api('only', spec)], config });
}

function retryAfter(res) {
  const v = res.headers.get('retry-after');
  assert.ok(v !== null, `retry-after header present (status ${res.status}: ${res.text})`);
  assert.match(v, /^\d+$/, 'retry-after in whole seconds');
  return Number(v);
}

async function metric(env, name, account) {
  const res = await request(`${env.url}/metrics`);
  assert.equal(res.status, 200, res.text);
  const value = metricValue(res.text, name, { account });
  assert.ok(value !== undefined, `${name} for ${account} in /metrics`);
  return value;
}

test('a single account with one 529: the request is retried on it and the next one succeeds', async (t) => {
  const env = await single(t);
  env.mock.enqueue({ path: '/v1/messages', status: 529 });
  const first = await env.message();
  assert.equal(first.res.status, 200, `the blip is absorbed by a short backoff: ${first.res.text}`);
  assert.deepEqual(accountsOf(first.calls), ['only', 'only']);
  const gap = first.calls[1].time - first.calls[0].time;
  assert.ok(gap >= 200 && gap < 2000, `a short jittered backoff, not a cooldown: ${gap} ms`);
  await sleep(1000);
  const next = await env.message();
  assert.equal(next.res.status, 200, next.res.text);
  assert.equal((await env.claudeCounts()).usable, 1, 'never cooled down');
});

test('with retries exhausted the client gets the upstream 529 and its error type, with retry-after', async (t) => {
  const env = await single(t, { failover: { consecutive_failures: 5 } });
  env.mock.enqueue({ path: '/v1/messages', status: 529, times: 3 });
  const { res, calls } = await env.message();
  assert.equal(res.status, 529, res.text);
  assert.equal(res.json.error.type, 'overloaded_error');
  assert.ok(retryAfter(res) >= 1);
  assert.deepEqual(accountsOf(calls), ['only', 'only', 'only'], 'max_attempts bounds the retries');
  assert.equal((await env.claudeCounts()).usable, 1, 'three in a row below consecutive_failures: not ejected');
  const next = await env.message();
  assert.equal(next.res.status, 200, `the very next request is served: ${next.res.text}`);
});

test('N consecutive 529s eject the account; a probe recovers it at once (half-open)', async (t) => {
  const env = await single(t, { failover: { consecutive_failures: 3, base_ejection_seconds: 30 } });
  env.mock.enqueue({ path: '/v1/messages', status: 529, times: 3 });
  const failed = await env.message();
  assert.equal(failed.res.status, 529, failed.res.text);
  const wait = retryAfter(failed.res);
  assert.ok(wait >= 29 && wait <= 30, `retry-after is the ejection's end: ${wait}`);
  assert.equal((await env.claudeCounts()).usable, 0, 'ejected after 3 in a row');
  assert.equal(await metric(env, 'relay_account_ejections_total', 'only'), 1);
  const row = tableRow((await env.accountsTable()).stdout, 'only');
  assert.equal(row.byColumn.ejections, '1', row.line);
  assert.equal(row.byColumn.failures, '3', row.line);
  // Every candidate is cooling down for a transient reason: panic mode probes it.
  const probe = await env.message();
  assert.equal(probe.res.status, 200, probe.res.text);
  assert.deepEqual(accountsOf(probe.calls), ['only']);
  assert.equal((await env.claudeCounts()).usable, 1, 'the successful probe cleared the cooldown');
  assert.equal(await metric(env, 'relay_account_probes_total', 'only'), 1);
  assert.equal(await metric(env, 'relay_account_panic_requests_total', 'only'), 1);
  const after = tableRow((await env.accountsTable()).stdout, 'only');
  assert.equal(after.byColumn.ejections, '0', after.line);
  assert.equal(after.byColumn.failures, '0', after.line);
});

test('the ejection ends after the base time and doubles when the account fails again', async (t) => {
  const env = await startClaudeEnv(t, {
    accounts: [api('flappy', { priority: 100 }), api('steady', { priority: 50 })],
    config: { failover: { consecutive_failures: 2, base_ejection_seconds: 1 } },
  });
  env.mock.enqueue({ path: '/v1/messages', credential: 'sk-ant-api03-mockkey-flappy', status: 500, times: 2 });
  for (let i = 0; i < 2; i++) {
    const { res, calls } = await env.message();
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(accountsOf(calls), ['flappy', 'steady'], 'the other account takes the request');
  }
  const away = await env.message();
  assert.deepEqual(accountsOf(away.calls), ['steady'], 'traffic moves away while flappy is ejected');
  await sleep(1200);
  env.mock.enqueue({ path: '/v1/messages', credential: 'sk-ant-api03-mockkey-flappy', status: 500 });
  const failedProbe = await env.message();
  assert.deepEqual(accountsOf(failedProbe.calls), ['flappy', 'steady'], 'the first request after the ejection probes it');
  await sleep(1200);
  const still = await env.message();
  assert.deepEqual(accountsOf(still.calls), ['steady'], 'the second ejection lasts 2 s');
  await sleep(1000);
  const back = await env.message();
  assert.deepEqual(accountsOf(back.calls), ['flappy'], 'traffic comes back');
  assert.equal(await metric(env, 'relay_account_ejections_total', 'flappy'), 2);
});

test('all accounts failing: the upstream status and error type with retry-after', async (t) => {
  const env = await startClaudeEnv(t, {
    accounts: [api('a', { priority: 100 }), api('b', { priority: 50 })],
  });
  env.mock.enqueue({ path: '/v1/messages', status: 503, message: 'down', times: 3 });
  const { res, calls } = await env.message();
  assert.equal(res.status, 503, res.text);
  assert.equal(res.json.error.type, 'api_error', 'the upstream error type, not the relay\'s');
  assert.equal(res.json.error.message, 'down');
  assert.ok(retryAfter(res) >= 1);
  assert.equal(calls.length, 3);
  assert.deepEqual(accountsOf(calls).slice(0, 2), ['a', 'b']);
});

test('no HTTP answer at all: 502 naming the account and the cause, with retry-after', async (t) => {
  const dead = `https://127.0.0.1:${await freePort()}`;
  const env = await single(t, {}, { api_url: dead });
  const { res } = await env.message();
  assert.equal(res.status, 502, res.text);
  assert.equal(res.json.type, 'error', res.text);
  assert.match(res.json.error.message, /only/, 'names the account');
  assert.ok(retryAfter(res) >= 1);
});

test('all rate-limited: 429 rate_limit_error with retry-after, from the upstream and then from the relay', async (t) => {
  const env = await startClaudeEnv(t, { accounts: [api('a', { priority: 100 }), api('b', { priority: 50 })] });
  env.mock.enqueue({ path: '/v1/messages', status: 429, headers: { 'retry-after': '40' }, times: 2 });
  const first = await env.message();
  assert.equal(first.res.status, 429, first.res.text);
  assert.equal(first.res.json.error.type, 'rate_limit_error');
  const w1 = retryAfter(first.res);
  assert.ok(w1 >= 38 && w1 <= 40, `retry-after: ${w1}`);
  const mark = env.mark();
  const next = await env.message();
  assert.equal(next.res.status, 429, next.res.text);
  assert.equal(next.res.json.error.type, 'rate_limit_error');
  const w2 = retryAfter(next.res);
  assert.ok(w2 >= 37 && w2 <= 40, `retry-after: ${w2}`);
  assert.equal(env.since(mark).length, 0, 'a rate limit is never probed before its reset');
});

test('an upstream 401 on the only account: 503 naming its state, never 401', async (t) => {
  const env = await single(t);
  env.mock.enqueue({ path: '/v1/messages', status: 401 });
  const first = await env.message();
  assert.equal(first.res.status, 503, first.res.text);
  assert.match(first.res.json.error.message, /only/);
  assert.ok(retryAfter(first.res) > 60, 'until the credential cooldown ends');
  const next = await env.message();
  assert.equal(next.res.status, 503, next.res.text);
  assert.match(next.res.json.error.message, /account only/);
  assert.ok(retryAfter(next.res) > 60);
});

test('a disabled account is never probed', async (t) => {
  const env = await startClaudeEnv(t, { accounts: [oauth('org')] });
  env.mock.enqueue({ path: '/v1/messages', status: 403, message: 'This organization has been disabled.' });
  const first = await env.message();
  assert.equal(first.res.status, 503, first.res.text);
  assert.match(first.res.json.error.message, /disabled/);
  const mark = env.mark();
  for (let i = 0; i < 3; i++) {
    const { res } = await env.message();
    assert.equal(res.status, 503, res.text);
    assert.match(res.json.error.message, /account org is disabled/);
  }
  assert.equal(env.since(mark).length, 0, 'no request reached the upstream');
});

test('no accounts configured: 503 no available account', async (t) => {
  const env = await startClaudeEnv(t, { accounts: [api('off', { enabled: false })] });
  const { res, calls } = await env.message();
  assert.equal(res.status, 503, res.text);
  assert.match(res.json.error.message, /no available account/);
  assert.equal(calls.length, 0);
});

test('a 429 with a unified reset 3 s ahead: the account serves again at the reset', async (t) => {
  const env = await single(t, { failover: { cooldown_seconds: { rate_limit_max: 600 } } });
  env.mock.enqueue({
    path: '/v1/messages', status: 429,
    headers: { 'anthropic-ratelimit-unified-status': 'rejected', 'anthropic-ratelimit-unified-reset': unixIn(3) },
  });
  const limited = await env.message();
  assert.equal(limited.res.status, 429, limited.res.text);
  const wait = retryAfter(limited.res);
  assert.ok(wait >= 1 && wait <= 4, `retry-after is the announced reset: ${wait}`);
  const during = await env.message();
  assert.equal(during.res.status, 429, during.res.text);
  await sleep(wait * 1000 + 300);
  const after = await env.message();
  assert.equal(after.res.status, 200, `serves again at the reset, not after rate_limit_max: ${after.res.text}`);
});

test('a session stays on its account across a blip', async (t) => {
  const env = await startClaudeEnv(t, { accounts: [api('a', { priority: 50 }), api('b', { priority: 50 })] });
  const headers = { 'x-claude-code-session-id': 'session-blip-1' };
  const first = await env.message({ headers });
  assert.equal(first.res.status, 200, first.res.text);
  const bound = first.calls[0].account;
  env.mock.enqueue({ path: '/v1/messages', status: 529 });
  const blip = await env.message({ headers });
  assert.equal(blip.res.status, 200, blip.res.text);
  assert.deepEqual(accountsOf(blip.calls), [bound, bound], 'retried on the bound account after a backoff');
  const next = await env.message({ headers });
  assert.deepEqual(accountsOf(next.calls), [bound], 'still bound');
});
