'use strict';
// The error table of PROTOCOLS.md B, one row per test: what the client gets, which accounts were
// tried (upstream requests in order), and the account effect (a following request, /health).
// Every test runs two accounts: "primary" (priority 100, always tried first) and "secondary" (50).
const test = require('node:test');
const assert = require('node:assert/strict');
const { freePort } = require('./lib/ports');
const { startClaudeEnv, oauth, api, opusWeeklyLimit } = require('./lib/claude-env');

const OPUS = 'claude-opus-4-5';
const SONNET = 'claude-sonnet-4-5';
const unixIn = (s) => String(Math.floor(Date.now() / 1000) + s);

function pair(t, kind = 'api', { primary = {}, config } = {}) {
  const make = kind === 'oauth' ? oauth : api;
  return startClaudeEnv(t, { accounts: [make('primary', { priority: 100, ...primary }), make('secondary', { priority: 50 })], config });
}

const accountsOf = (calls) => calls.map((c) => c.account);

// Scripts one upstream answer for the next message, sends it, returns {res, calls}.
async function answerOnce(env, script, opts = {}) {
  env.mock.enqueue({ path: '/v1/messages', ...script });
  return env.message(opts);
}

async function assertServedBy(env, expected, opts = {}, why = '') {
  const { res, calls } = await env.message(opts);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(accountsOf(calls), expected, why);
}

async function assertUsable(env, usable) {
  const c = await env.claudeCounts();
  assert.equal(c.total, 2, JSON.stringify(c.states));
  assert.equal(c.usable, usable, `usable accounts in /health: ${JSON.stringify(c.states)}`);
  return c;
}

// The rows whose effect is "primary unusable for a while; this request goes to the next account".
async function assertNextAccountAndCooled(env, script, opts) {
  const { res, calls } = await answerOnce(env, script, opts);
  assert.equal(res.status, 200, `the client does not see the failure: ${res.text}`);
  assert.deepEqual(accountsOf(calls), ['primary', 'secondary']);
  await assertServedBy(env, ['secondary'], opts, 'primary is not tried again while it cools down');
  await assertUsable(env, 1);
}

test('401 on claude-oauth: one forced refresh and retry, then unavailable and the next account', async (t) => {
  const env = await pair(t, 'oauth');
  await assertServedBy(env, ['primary']);
  const refreshes = env.mock.refreshCount('primary');
  const { res, calls } = await answerOnce(env, { status: 401, times: 2 });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(accountsOf(calls), ['primary', 'primary', 'secondary']);
  assert.notEqual(calls[0].credential, calls[1].credential, 'the retry used a new access token');
  assert.equal(env.mock.refreshCount('primary'), refreshes + 1, 'exactly one forced refresh');
  await assertServedBy(env, ['secondary']);
  await assertUsable(env, 1);
});

test('401 on claude-api: unavailable, next account', (t) => pair(t, 'api').then((env) => assertNextAccountAndCooled(env, { status: 401 })));

test('402 billing: unavailable, next account', (t) => pair(t).then((env) => assertNextAccountAndCooled(env, { status: 402 })));

for (const message of ['This organization has been disabled.', 'OAuth authentication is currently not allowed for this organization.']) {
  test(`403 "${message}": account disabled, next account`, async (t) => {
    const env = await pair(t, 'oauth');
    const { res, calls } = await answerOnce(env, { status: 403, message });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(accountsOf(calls), ['primary', 'secondary']);
    await assertServedBy(env, ['secondary']);
    const { states } = await assertUsable(env, 1);
    assert.equal(states.disabled, 1, `one disabled account in /health: ${JSON.stringify(states)}`);
  });
}

for (const [status, type] of [[403, 'permission_error'], [400, 'invalid_request_error'], [404, 'not_found_error'],
  [413, 'request_too_large'], [422, 'invalid_request_error']]) {
  test(`${status} is passed to the client unchanged, no account effect`, async (t) => {
    const env = await pair(t);
    const { res, calls } = await answerOnce(env, { status, message: `upstream says ${status}` });
    assert.equal(res.status, status, res.text);
    assert.equal(res.json && res.json.type, 'error', res.text);
    assert.equal(res.json.error.type, type);
    assert.equal(res.json.error.message, `upstream says ${status}`, 'the upstream error body reaches the client');
    assert.deepEqual(accountsOf(calls), ['primary'], 'no failover');
    await assertServedBy(env, ['primary'], {}, 'primary still first');
    await assertUsable(env, 2);
  });
}

test('429 weekly Opus limit: opus limited on that account, sonnet still served by it', async (t) => {
  const env = await pair(t, 'oauth');
  const { res, calls } = await answerOnce(env, opusWeeklyLimit(), { model: OPUS });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(accountsOf(calls), ['primary', 'secondary']);
  await assertServedBy(env, ['secondary'], { model: OPUS }, 'opus skips the limited account');
  await assertServedBy(env, ['primary'], { model: SONNET }, 'sonnet is not limited');
  await assertServedBy(env, ['secondary'], { model: 'claude-opus-4-1-20250805' }, 'any opus model is limited');
});

test('429 account-wide unified limit (no family): account cooled down, next account', (t) =>
  pair(t, 'oauth').then(async (env) => {
    await assertNextAccountAndCooled(env, {
      status: 429,
      headers: {
        'anthropic-ratelimit-unified-status': 'rejected',
        'anthropic-ratelimit-unified-representative-claim': 'five_hour',
        'anthropic-ratelimit-unified-reset': unixIn(1800),
      },
    }, { model: SONNET });
    await assertServedBy(env, ['secondary'], { model: OPUS }, 'every family avoids it');
  }));

test('429 with retry-after: 1 waits and retries the same account once', async (t) => {
  const env = await pair(t);
  const { res, calls } = await answerOnce(env, { status: 429, headers: { 'retry-after': '1' } });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(accountsOf(calls), ['primary', 'primary']);
  assert.ok(calls[1].time - calls[0].time >= 900, `waited ${calls[1].time - calls[0].time} ms before the retry`);
  await assertServedBy(env, ['primary']);
});

test('429 with retry-after above max_wait_seconds: cooled down, next account', (t) =>
  pair(t).then((env) => assertNextAccountAndCooled(env, { status: 429, headers: { 'retry-after': '60' } })));

test('429 without rate-limit headers: next account', async (t) => {
  const env = await pair(t);
  const { res, calls } = await answerOnce(env, { status: 429 });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(accountsOf(calls), ['primary', 'secondary']);
});

// Transient rows: one failure moves this request on but does not cool the account down; it is
// ejected only after failover.consecutive_failures (3) in a row (claude-outliers.test.js).
async function assertNextAccountNotCooled(env, script) {
  const { res, calls } = await answerOnce(env, script);
  assert.equal(res.status, 200, `the client does not see the failure: ${res.text}`);
  assert.deepEqual(accountsOf(calls), ['primary', 'secondary']);
  await assertServedBy(env, ['primary'], {}, 'one transient failure is not an outage');
  await assertUsable(env, 2);
}

test('529 overloaded: next account; counts toward ejection only', (t) => pair(t).then((env) => assertNextAccountNotCooled(env, { status: 529 })));

for (const status of [500, 502, 503, 504]) {
  test(`${status}: next account; counts toward ejection only`, (t) => pair(t).then((env) => assertNextAccountNotCooled(env, { status })));
}

test('connection refused on one account: next account; ejected after 3 in a row', async (t) => {
  const dead = `https://127.0.0.1:${await freePort()}`;
  const env = await pair(t, 'api', { primary: { api_url: dead } });
  await assertServedBy(env, ['secondary']);
  await assertServedBy(env, ['secondary']);
  await assertUsable(env, 2);
  await assertServedBy(env, ['secondary']);
  await assertUsable(env, 1);
});

test('connection refused on the only account: 502 naming the account once, in the answer and the log', async (t) => {
  const dead = `https://127.0.0.1:${await freePort()}`;
  const env = await startClaudeEnv(t, { accounts: [api('solo', { api_url: dead })] });
  const { res } = await env.message();
  assert.equal(res.status, 502, res.text);
  const msg = res.json.error.message;
  assert.match(msg, /^account solo: POST /, msg);
  assert.equal(msg.split('account solo').length, 2, `named once: ${msg}`);
  assert.match(msg, /connection refused/i, msg);
  assert.match(env.relay.stderr, /account solo: POST [^\n]*retrying it in/, 'the same-account retry is logged');
  assert.doesNotMatch(env.relay.stderr, /account solo: account solo/, 'the failover log names it once too');
});

for (const [status, headers] of [[401, {}], [429, opusWeeklyLimit().headers], [529, {}], [500, {}]]) {
  test(`count_tokens ${status}: passed through, account state unchanged`, async (t) => {
    const env = await pair(t);
    env.mock.enqueue({ path: '/v1/messages/count_tokens', status, headers, message: `count_tokens says ${status}` });
    const mark = env.mark();
    const res = await env.post('/v1/messages/count_tokens', { model: OPUS, messages: [{ role: 'user', content: 'count' }] });
    assert.equal(res.status, status, res.text);
    assert.equal(res.json && res.json.type, 'error', res.text);
    assert.equal(res.json.error.message, `count_tokens says ${status}`, 'the upstream answer itself');
    assert.deepEqual(accountsOf(env.since(mark, '/v1/messages/count_tokens')), ['primary'], 'no failover');
    await assertUsable(env, 2);
    await assertServedBy(env, ['primary'], { model: OPUS }, 'primary serves opus messages as before');
    const again = await env.post('/v1/messages/count_tokens', { model: OPUS, messages: [{ role: 'user', content: 'again' }] });
    assert.equal(again.status, 200, again.text);
    assert.equal(env.since(mark, '/v1/messages/count_tokens').at(-1).account, 'primary');
  });
}

test('failover.max_attempts bounds the accounts tried per request', async (t) => {
  const env = await startClaudeEnv(t, {
    accounts: [api('a', { priority: 100 }), api('b', { priority: 90 }), api('c', { priority: 80 })],
    config: { failover: { max_attempts: 2 } },
  });
  const { res, calls } = await answerOnce(env, { status: 529, times: 3 });
  assert.notEqual(res.status, 200);
  assert.equal(res.json && res.json.type, 'error', `Anthropic error body: ${res.text}`);
  assert.deepEqual(accountsOf(calls), ['a', 'b']);
});

test('failover tries at most 3 accounts by default', async (t) => {
  const env = await startClaudeEnv(t, {
    accounts: [api('a', { priority: 100 }), api('b', { priority: 90 }), api('c', { priority: 80 }), api('d', { priority: 70 })],
  });
  const { res, calls } = await answerOnce(env, { status: 503, times: 4 });
  assert.notEqual(res.status, 200);
  assert.equal(res.json && res.json.type, 'error', res.text);
  assert.deepEqual(accountsOf(calls), ['a', 'b', 'c']);
});

test('a cooldown survives a restart (/health and routing)', async (t) => {
  const env = await pair(t);
  await assertNextAccountAndCooled(env, { status: 402 });
  const before = await env.claudeStates();
  await env.restart();
  assert.deepEqual(await env.claudeStates(), before, '/health after the restart');
  await assertServedBy(env, ['secondary'], {}, 'primary still unavailable after the restart');
});

test('a disabled account stays disabled after a restart', async (t) => {
  const env = await pair(t, 'oauth');
  const { res, calls } = await answerOnce(env, { status: 403, message: 'This organization has been disabled.' });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(accountsOf(calls), ['primary', 'secondary']);
  await env.restart();
  const { states } = await assertUsable(env, 1);
  assert.equal(states.disabled, 1, JSON.stringify(states));
  await assertServedBy(env, ['secondary']);
});
