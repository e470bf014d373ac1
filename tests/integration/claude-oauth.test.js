'use strict';
// claude-oauth credentials: refresh before use (no token, expired, about to expire), the rotated
// refresh token persisted (encrypted) and used after a restart, one refresh for 20 concurrent
// requests, a forced refresh and one retry after an upstream 401, and the "done when":
// a refreshed account that hits its weekly Opus limit hands over to the second account unnoticed.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { CLAUDE_CLIENT_ID } = require('../mock/oauth');
const { startClaudeEnv, oauth, servedBy, initialRefreshToken, opusWeeklyLimit } = require('./lib/claude-env');

const nowSeconds = () => Math.floor(Date.now() / 1000);
const tokenCalls = (env, mark = 0) => env.since(mark, '/v1/oauth/token');

test('an account without an access token refreshes before its first request', async (t) => {
  const env = await startClaudeEnv(t, { accounts: [oauth('fresh')] });
  const { res, calls } = await env.message();
  assert.equal(res.status, 200, res.text);
  assert.equal(env.mock.refreshCount('fresh'), 1, 'exactly one refresh');
  const [refresh] = tokenCalls(env);
  assert.match(refresh.headers['content-type'], /application\/json/);
  assert.deepEqual(
    { grant_type: refresh.json.grant_type, refresh_token: refresh.json.refresh_token, client_id: refresh.json.client_id },
    { grant_type: 'refresh_token', refresh_token: initialRefreshToken('fresh'), client_id: CLAUDE_CLIENT_ID },
  );
  assert.equal(calls.length, 1);
  assert.equal(servedBy(calls), 'fresh', 'the upstream request used the refreshed access token');
  assert.ok(refresh.seq < calls[0].seq, 'refresh happened before the request');

  const second = await env.message();
  assert.equal(second.res.status, 200);
  assert.equal(env.mock.refreshCount('fresh'), 1, 'the new token is reused, not refreshed per request');
  assert.equal(second.calls[0].credential, calls[0].credential);
});

for (const [what, offset] of [['expired', -60], ['expiring within 10 s', 5]]) {
  test(`a configured access token that is ${what} is refreshed before use`, async (t) => {
    const stale = 'sk-ant-oat01-configured-stale-token';
    const env = await startClaudeEnv(t, { accounts: [oauth('stale', { access_token: stale, expires_at: nowSeconds() + offset })] });
    const { res, calls } = await env.message();
    assert.equal(res.status, 200, res.text);
    assert.equal(env.mock.refreshCount('stale'), 1);
    assert.equal(calls.length, 1, 'no failed attempt with the stale token');
    assert.equal(servedBy(calls), 'stale');
    assert.ok(!env.mock.requests.some((r) => r.credential === stale), 'the stale token was never sent upstream');
  });
}

for (const signal of ['SIGTERM', 'SIGKILL']) {
  test(`the rotated refresh token survives a restart (${signal})`, async (t) => {
    const env = await startClaudeEnv(t, { accounts: [oauth('rot')] });
    assert.equal((await env.message()).res.status, 200);
    assert.equal(env.mock.refreshCount('rot'), 1, 'first refresh used (and killed) the configured token');

    env.mock.oauth.revokeAccessTokens('rot'); // whatever access token the relay kept is refused now
    const mark = env.mark();
    await env.restart(signal);
    const { res, calls } = await env.message();
    assert.equal(res.status, 200, `after restart: ${res.text}\n${env.relay.stderr}`);
    assert.equal(servedBy(calls), 'rot');
    const refreshes = tokenCalls(env, mark);
    assert.ok(refreshes.length >= 1, 'a refresh was needed after the restart');
    for (const r of refreshes) assert.notEqual(r.json.refresh_token, initialRefreshToken('rot'), 'the dead configured token was not reused');
    assert.equal(env.mock.oauth.rejectedRefreshes, 0, 'every refresh used a live (rotated) token');
  });
}

test('tokens are stored encrypted: no access or refresh token in the database files', async (t) => {
  const env = await startClaudeEnv(t, { accounts: [oauth('enc')] });
  assert.equal((await env.message()).res.status, 200);
  await env.relay.stop('SIGTERM');
  const files = fs.readdirSync(env.dir).filter((f) => f.startsWith('relay.db'));
  assert.ok(files.length >= 1, 'the database exists');
  for (const f of files) {
    const bytes = fs.readFileSync(path.join(env.dir, f)).toString('latin1');
    assert.ok(!bytes.includes('sk-ant-ort01-mock-enc'), `rotated refresh token in plain text in ${f}`);
    assert.ok(!bytes.includes('sk-ant-oat01-mock-enc'), `access token in plain text in ${f}`);
  }
});

test('20 concurrent requests on an expired account cause exactly one refresh', async (t) => {
  const env = await startClaudeEnv(t, {
    accounts: [oauth('busy', { access_token: 'sk-ant-oat01-expired', expires_at: nowSeconds() - 5 })],
    config: { server: { workers: 2 } },
  });
  const results = await Promise.all(Array.from({ length: 20 }, () => env.message()));
  for (const { res } of results) assert.equal(res.status, 200, res.text);
  assert.equal(env.mock.refreshCount('busy'), 1);
  assert.equal(tokenCalls(env).length, 1, 'one call to the token endpoint');
  const calls = env.mock.requestsTo('/v1/messages');
  assert.equal(calls.length, 20);
  assert.equal(new Set(calls.map((c) => c.credential)).size, 1, 'all used the one new access token');
  assert.ok(calls.every((c) => c.account === 'busy'));
});

test('an upstream 401 causes one forced refresh and one retry on the same account', async (t) => {
  const env = await startClaudeEnv(t, { accounts: [oauth('revoked')] });
  const first = await env.message();
  assert.equal(first.res.status, 200);
  env.mock.oauth.revokeAccessTokens('revoked'); // the token still looks valid to the relay
  const before = env.mock.refreshCount('revoked');
  const { res, calls } = await env.message();
  assert.equal(res.status, 200, res.text);
  assert.equal(env.mock.refreshCount('revoked'), before + 1, 'one forced refresh');
  assert.equal(calls.length, 2, 'the 401 attempt and one retry');
  assert.equal(calls[0].credential, first.calls[0].credential, 'first attempt with the old token');
  assert.equal(calls[0].account, undefined, 'the mock refused it');
  assert.equal(calls[1].account, 'revoked', 'the retry used the new token');
});

test('done when: a refreshed account hitting its weekly Opus limit hands over to the second account', async (t) => {
  const env = await startClaudeEnv(t, { accounts: [oauth('main', { priority: 100 }), oauth('spare', { priority: 50 })] });
  const opus = 'claude-opus-4-5';
  const first = await env.message({ model: opus });
  assert.equal(first.res.status, 200, first.res.text);
  assert.equal(servedBy(first.calls), 'main');
  assert.equal(env.mock.refreshCount('main'), 1, 'main had to refresh before serving');

  env.mock.enqueue({ path: '/v1/messages', ...opusWeeklyLimit({ withRetryAfter: true }) });
  const second = await env.message({ model: opus });
  assert.equal(second.res.status, 200, `the client does not notice: ${second.res.text}`);
  assert.equal(second.res.json.type, 'message');
  assert.deepEqual(second.calls.map((c) => c.account), ['main', 'spare']);

  const third = await env.message({ model: opus });
  assert.equal(third.res.status, 200);
  assert.deepEqual(third.calls.map((c) => c.account), ['spare'], 'opus is not tried on main again');
});
