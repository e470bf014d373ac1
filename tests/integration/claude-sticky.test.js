'use strict';
// Sticky sessions over two claude-api accounts of equal top priority: one session
// (x-claude-code-session-id) stays on one account, a second session goes to the other (least
// recently used), and when the sticky account fails the session moves and stays moved, even
// once the old account is usable again.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startClaudeEnv, api, apiKeyOf } = require('./lib/claude-env');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const session = (id) => ({ 'x-claude-code-session-id': id });
const S1 = '11111111-1111-4111-8111-111111111111';
const S2 = '22222222-2222-4222-8222-222222222222';
const S3 = '33333333-3333-4333-8333-333333333333';

async function servedBy(env, sessionId) {
  const { res, calls } = await env.message({ headers: session(sessionId) });
  assert.equal(res.status, 200, res.text);
  return calls.map((c) => c.account);
}

test('a session stays on one account, a second session uses the other, a failure moves it for good', async (t) => {
  const env = await startClaudeEnv(t, {
    accounts: [api('x', { priority: 100 }), api('y', { priority: 100 })],
    // retry-after above max_wait_seconds: the account cools down for retry-after seconds only.
    config: { session: { sticky_ttl_seconds: 600, renewal_threshold_seconds: 60 }, failover: { max_wait_seconds: 1 } },
  });

  const first = await servedBy(env, S1);
  assert.equal(first.length, 1);
  const home = first[0];
  const other = home === 'x' ? 'y' : 'x';
  for (let i = 0; i < 49; i++) assert.deepEqual(await servedBy(env, S1), [home], `request ${i + 2} of session 1`);

  assert.deepEqual(await servedBy(env, S2), [other], 'a second session goes to the least recently used account');
  for (let i = 0; i < 5; i++) {
    assert.deepEqual(await servedBy(env, S1), [home]);
    assert.deepEqual(await servedBy(env, S2), [other]);
  }

  // The home account starts failing: session 1 fails over to the other account.
  env.mock.enqueue({ path: '/v1/messages', credential: apiKeyOf(home), status: 429, headers: { 'retry-after': '2' } });
  assert.deepEqual(await servedBy(env, S1), [home, other]);
  await sleep(2500); // the old home account has cooled down and is usable again
  for (let i = 0; i < 10; i++) assert.deepEqual(await servedBy(env, S1), [other], `session 1 stays moved (${i})`);
  assert.deepEqual(await servedBy(env, S3), [home], 'the old home account serves new sessions again');
});

test('a session stays on its account across one 529 (retried there after a short backoff)', async (t) => {
  const env = await startClaudeEnv(t, { accounts: [api('x', { priority: 100 }), api('y', { priority: 100 })] });
  const [home] = await servedBy(env, S1);
  for (let i = 0; i < 5; i++) assert.deepEqual(await servedBy(env, S1), [home]);
  env.mock.enqueue({ path: '/v1/messages', credential: apiKeyOf(home), status: 529 });
  assert.deepEqual(await servedBy(env, S1), [home, home]);
  for (let i = 0; i < 5; i++) assert.deepEqual(await servedBy(env, S1), [home]);
});

test('a session whose account is ejected (529s in a row) moves and stays on the new account', async (t) => {
  const env = await startClaudeEnv(t, {
    accounts: [api('x', { priority: 100 }), api('y', { priority: 100 })],
    config: { failover: { consecutive_failures: 2 } },
  });
  const [home] = await servedBy(env, S1);
  const other = home === 'x' ? 'y' : 'x';
  for (let i = 0; i < 5; i++) assert.deepEqual(await servedBy(env, S1), [home]);
  env.mock.enqueue({ path: '/v1/messages', credential: apiKeyOf(home), status: 529, times: 2 });
  assert.deepEqual(await servedBy(env, S1), [home, home, other]);
  for (let i = 0; i < 10; i++) assert.deepEqual(await servedBy(env, S1), [other]);
});

test('a session stays bound across blips that move a request but do not eject: it goes back each time', async (t) => {
  // Two 529s in a row: the same-account retry fails too, so another account serves that request;
  // with three failures needed to eject, the home account stays usable and keeps the session.
  const env = await startClaudeEnv(t, { accounts: [api('x', { priority: 100 }), api('y', { priority: 100 })] });
  const [home] = await servedBy(env, S1);
  const other = home === 'x' ? 'y' : 'x';
  for (let round = 0; round < 3; round++) {
    env.mock.enqueue({ path: '/v1/messages', credential: apiKeyOf(home), status: 529, times: 2 });
    assert.deepEqual(await servedBy(env, S1), [home, home, other], `blip ${round + 1} is served elsewhere`);
    for (let i = 0; i < 3; i++) assert.deepEqual(await servedBy(env, S1), [home], `back home after blip ${round + 1} (${i})`);
  }
  assert.deepEqual(await servedBy(env, S2), [other], 'a new session still balances to the other account');
});
