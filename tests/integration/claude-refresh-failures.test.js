'use strict';
// What a failed token refresh means (ABI 1.3 credentials_failed_as, PROTOCOLS.md B "OAuth
// credentials" and the error table): a token endpoint that is down is transient (the current
// access token serves until it expires, then the account cools down, may be probed, and the
// others serve); a dead grant (invalid_grant) disables the account with that reason, it is never
// probed, and only a login or new config tokens bring it back. An account never logged in says so.
// A refresh in flight never overwrites the tokens a login stored meanwhile.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('child_process');
const { request } = require('./lib/http');
const { requireBinary } = require('./lib/relay');
const { startClaudeEnv, oauth, servedBy, tableRow, initialRefreshToken } = require('./lib/claude-env');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const nowSeconds = () => Math.floor(Date.now() / 1000);
const tokenCalls = (env, mark = 0) => env.since(mark, '/v1/oauth/token');

// Runs `relay-server login --config FILE ID`, answering the printed URL with the sign-in page's
// code#state (the mock's authorize endpoint stands in for the page).
function runLogin(env, configFile, id) {
  return new Promise((resolve, reject) => {
    const child = spawn(requireBinary(), ['login', '--config', configFile, id], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let answered = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
    child.stdout.on('data', (d) => {
      stdout += d;
      if (answered || !stdout.includes('\n')) return;
      answered = true;
      const plan = env.mock.oauth.authorize(new URL(stdout.split('\n')[0]).searchParams);
      child.stdin.write(`${plan.json.shown}\n`);
      child.stdin.end();
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

// Requests until one is served by `id` (a login is picked up within 5 s), or the last answer.
async function untilServedBy(env, id, ms = 5000) {
  const start = Date.now();
  let last;
  while (Date.now() - start < ms) {
    last = await env.message();
    if (last.res.status === 200 && servedBy(last.calls) === id) return last;
    await sleep(200);
  }
  return last;
}

// The /health entry of an account that cannot serve: {state, reason}.
async function unavailable(env, id) {
  const res = await request(`${env.url}/health`);
  assert.equal(res.status, 200, res.text);
  assert.ok(res.json.unavailable && res.json.unavailable[id], `${id} in /health unavailable: ${res.text}`);
  return res.json.unavailable[id];
}

test('token endpoint down: the current token serves until it expires, then the account cools down and the other serves', async (t) => {
  const env = await startClaudeEnv(t, {
    accounts: [oauth('main', { priority: 100 }), oauth('spare', { priority: 50 })], start: false,
  });
  // main's token is valid for a few more seconds only: a refresh is due at once, and fails.
  const main = env.mock.oauth.issue('claude', 'main', 3600).access;
  const expiresAt = nowSeconds() + 6;
  Object.assign(env.config.accounts[0], { access_token: main, expires_at: expiresAt });
  const spare = env.mock.oauth.issue('claude', 'spare', 3600).access;
  Object.assign(env.config.accounts[1], { access_token: spare, expires_at: nowSeconds() + 3600 });
  env.mock.enqueue({ path: '/v1/oauth/token', status: 503, body: { error: 'temporarily_unavailable' }, repeat: true });
  await env.startRelay();

  let served = 0;
  while (Date.now() < expiresAt * 1000 - 1500) {
    const { res, calls } = await env.message();
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(calls.map((c) => c.credential), [main], 'served by main with its current token');
    served++;
    await sleep(300);
  }
  assert.ok(served >= 3, `main served until its token expired (${served})`);
  const failedRefreshes = tokenCalls(env).length;
  assert.ok(failedRefreshes >= 1, 'main tried to refresh');
  assert.ok(failedRefreshes <= 3, `the failing endpoint is not hammered per request (${failedRefreshes})`);

  await sleep(expiresAt * 1000 - Date.now() + 500);
  const after = await env.message();
  assert.equal(after.res.status, 200, after.res.text);
  assert.deepEqual(after.calls.map((c) => c.account), ['spare'], 'the expired token was never sent');
  const mark = env.mark();
  for (let i = 0; i < 3; i++) {
    const { res, calls } = await env.message();
    assert.equal(res.status, 200, res.text);
    assert.equal(servedBy(calls), 'spare');
  }
  assert.equal(tokenCalls(env, mark).length, 0, `main cools down: no refresh per request\n${env.relay.stderr}`);
  const r = env.accountsTable();
  const row = tableRow(r.stdout, 'main');
  assert.match(row.byColumn.state || row.line, /cooldown/, r.stdout);
  assert.equal((await unavailable(env, 'main')).state, 'cooldown');
});

test('token endpoint down on the only account: 503 with retry-after once the token expired, then a probe recovers it', async (t) => {
  const env = await startClaudeEnv(t, {
    accounts: [oauth('solo')], start: false, config: { failover: { base_ejection_seconds: 1 } },
  });
  const solo = env.mock.oauth.issue('claude', 'solo', 3600).access;
  const expiresAt = nowSeconds() + 3;
  Object.assign(env.config.accounts[0], { access_token: solo, expires_at: expiresAt });
  env.mock.enqueue({ path: '/v1/oauth/token', status: 503, body: { error: 'temporarily_unavailable' }, repeat: true });
  await env.startRelay();

  const before = await env.message();
  assert.equal(before.res.status, 200, before.res.text);
  await sleep(expiresAt * 1000 - Date.now() + 300);
  const down = await env.message();
  assert.equal(down.res.status, 503, down.res.text);
  assert.match(down.res.json.error.message, /solo.*token refresh failed: HTTP 503/);
  assert.doesNotMatch(down.res.json.error.message, /disabled/);
  assert.ok(Number(down.res.headers.get('retry-after')) >= 1, 'retry-after names the ejection\'s end');
  assert.equal(down.calls.length, 0, 'the expired token was never sent');

  // The endpoint is back (the mock lost the rotated token with the scripted 503s: give it again).
  env.mock.scripts.clear();
  env.mock.oauth.addClaudeAccount('solo', initialRefreshToken('solo'));
  await sleep(1200);
  const back = await env.message();
  assert.equal(back.res.status, 200, `${back.res.text}\n${env.relay.stderr}`);
  assert.equal(servedBy(back.calls), 'solo', 'a probe refreshed and served');
});

test('invalid_grant disables the account with that reason; it is never probed; the other serves; a login brings it back', async (t) => {
  const env = await startClaudeEnv(t, {
    accounts: [oauth('dead', { priority: 100, register: false }), oauth('spare', { priority: 50 })], start: false,
  });
  env.config.accounts[0].authorize_url = `${env.mock.url}/oauth/authorize`;
  env.mock.oauth.authorizeAccount = 'dead';
  await env.startRelay();

  const first = await env.message();
  assert.equal(first.res.status, 200, first.res.text);
  assert.equal(servedBy(first.calls), 'spare');
  assert.equal(env.mock.oauth.rejectedRefreshes, 1, 'dead\'s refresh was refused (invalid_grant)');

  const mark = env.mark();
  for (let i = 0; i < 5; i++) {
    const { res, calls } = await env.message();
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(calls.map((c) => c.account), ['spare']);
  }
  await sleep(1500);
  assert.equal(tokenCalls(env, mark).length, 0, 'no more refresh calls for the dead grant');
  assert.equal(env.mock.oauth.rejectedRefreshes, 1);

  const health = await unavailable(env, 'dead');
  assert.equal(health.state, 'disabled');
  assert.match(health.reason, /invalid_grant/);
  const r = env.accountsTable();
  assert.equal(r.code, 0, r.stderr);
  const row = tableRow(r.stdout, 'dead');
  assert.match(row.byColumn.state || row.line, /disabled/, r.stdout);
  assert.match(row.byColumn.reason, /token refresh failed: HTTP 400 invalid_grant/, 'the reason is shown');

  const login = await runLogin(env, env.relay.configFile, 'dead');
  assert.equal(login.code, 0, login.stderr);
  const back = await untilServedBy(env, 'dead');
  assert.equal(back.res.status, 200, back.res.text);
  assert.equal(servedBy(back.calls), 'dead', `the login brought it back\n${env.relay.stderr}`);
});

test('a single account with a dead grant: 503 naming its state, never probed, new config tokens bring it back', async (t) => {
  const env = await startClaudeEnv(t, { accounts: [oauth('only', { register: false })] });
  const first = await env.message();
  assert.equal(first.res.status, 503, first.res.text);
  assert.match(first.res.json.error.message, /only/);
  assert.match(first.res.json.error.message, /invalid_grant/);
  const mark = env.mark();
  for (let i = 0; i < 3; i++) {
    const { res } = await env.message();
    assert.equal(res.status, 503, res.text);
    assert.match(res.json.error.message, /account only is disabled: .*invalid_grant/);
  }
  assert.equal(env.mock.requests.slice(mark).length, 0, 'neither a refresh nor a message reached the upstream');

  // Unchanged config: a restart does not retry the dead grant.
  await env.restart();
  const still = await env.message();
  assert.equal(still.res.status, 503, still.res.text);
  assert.equal(env.mock.requests.slice(mark).length, 0, 'still not probed after a restart');

  // New tokens in the config replace the dead ones.
  env.mock.oauth.addClaudeAccount('only', 'sk-ant-ort01-replacement-only');
  env.config.accounts[0].refresh_token = 'sk-ant-ort01-replacement-only';
  await env.restart();
  const back = await env.message();
  assert.equal(back.res.status, 200, `${back.res.text}\n${env.relay.stderr}`);
  assert.equal(servedBy(back.calls), 'only');
});

test('an account that was never logged in: 503 saying so and naming relay-server login', async (t) => {
  const env = await startClaudeEnv(t, { accounts: [oauth('fresh', { register: false })], start: false });
  delete env.config.accounts[0].refresh_token;
  await env.startRelay();
  for (let i = 0; i < 2; i++) {
    const { res, calls } = await env.message();
    assert.equal(res.status, 503, res.text);
    assert.match(res.json.error.message, /fresh/);
    assert.match(res.json.error.message, /not logged in/);
    assert.match(res.json.error.message, /relay-server login/);
    assert.equal(calls.length, 0);
  }
  assert.equal(tokenCalls(env).length, 0, 'nothing to refresh with');
});

test('relay-server accounts shows "unknown" for a token whose expiry is not known', async (t) => {
  const env = await startClaudeEnv(t, {
    accounts: [oauth('setup', { access_token: 'sk-ant-oat01-setup-token-no-expiry' }), oauth('known', { priority: 100 })],
    start: false,
  });
  delete env.config.accounts[0].refresh_token;
  env.mock.oauth.addApiKey('setup', 'sk-ant-oat01-setup-token-no-expiry');
  await env.startRelay();
  assert.equal((await env.message()).res.status, 200);
  const r = env.accountsTable();
  assert.equal(r.code, 0, r.stderr);
  const setup = tableRow(r.stdout, 'setup');
  assert.equal(setup.byColumn['token-expires'], 'unknown', r.stdout);
  const known = tableRow(r.stdout, 'known');
  assert.match(known.byColumn['token-expires'], /^\d{4}-\d\d-\d\dT/, r.stdout);
});

test('a refresh in flight does not overwrite the tokens a login stored meanwhile', async (t) => {
  const env = await startClaudeEnv(t, { accounts: [oauth('race')], start: false });
  Object.assign(env.config.accounts[0], { access_token: 'sk-ant-oat01-expired-race', expires_at: nowSeconds() - 60 });
  env.config.accounts[0].authorize_url = `${env.mock.url}/oauth/authorize`;
  env.mock.oauth.authorizeAccount = 'race';
  // The refresh answer comes late; the login lands (and is picked up) before it. Queued before
  // the start: the expired token may be refreshed in the background as soon as the relay runs.
  env.mock.enqueue({ path: '/v1/oauth/token', headersDelayMs: 12000 }); // long enough for a login CLI on a loaded machine
  await env.startRelay();
  const pending = env.message();
  await env.mock.waitForRequest((r) => r.pathname === '/v1/oauth/token');
  const login = await runLogin(env, env.relay.configFile, 'race');
  assert.equal(login.code, 0, login.stderr);
  const loginAccess = [...env.mock.oauth.accessTokens.keys()].pop();

  const { res, calls } = await pending;
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(calls.map((c) => c.credential), [loginAccess], 'the waiting request used the login\'s token');
  await sleep(12500); // the late refresh answer has arrived by now, and was dropped
  const next = await env.message();
  assert.deepEqual(next.calls.map((c) => c.credential), [loginAccess], 'the login\'s token stays in use');

  await env.restart();
  const afterRestart = await env.message();
  assert.equal(afterRestart.res.status, 200, afterRestart.res.text);
  assert.deepEqual(afterRestart.calls.map((c) => c.credential), [loginAccess], 'the database holds the login\'s tokens');
  const refreshes = tokenCalls(env).filter((r) => r.json && r.json.grant_type === 'refresh_token');
  assert.equal(refreshes.length, 1, 'only the superseded refresh; the login\'s tokens needed none');
  assert.equal(refreshes[0].json.refresh_token, initialRefreshToken('race'));
});

test('a refresh answer landing after a login stored its tokens, before the relay picked them up, does not overwrite them', async (t) => {
  const env = await startClaudeEnv(t, { accounts: [oauth('race2')], start: false });
  Object.assign(env.config.accounts[0], { access_token: 'sk-ant-oat01-expired-race2', expires_at: nowSeconds() - 60 });
  env.config.accounts[0].authorize_url = `${env.mock.url}/oauth/authorize`;
  env.mock.oauth.authorizeAccount = 'race2';
  // The refresh answer is held until the login CLI has written its tokens and exited, then
  // released at once: it lands well inside the relay's ~1 s pick-up of the login's row.
  let release;
  env.mock.enqueue({ path: '/v1/oauth/token', until: new Promise((r) => (release = r)) });
  t.after(() => release());
  await env.startRelay();
  const pending = env.message();
  await env.mock.waitForRequest((r) => r.pathname === '/v1/oauth/token');
  const login = await runLogin(env, env.relay.configFile, 'race2');
  assert.equal(login.code, 0, login.stderr);
  const loginAccess = [...env.mock.oauth.accessTokens.keys()].pop();
  release();

  const { res } = await pending;
  assert.equal(res.status, 200, `${res.text}\n${env.relay.stderr}`);
  // Unless the relay happened to pick the login up before the answer landed (then the answer was
  // dropped as superseded), the relay's write of the refreshed tokens met the login's row.
  if (!/superseded by a login/.test(env.relay.stderr)) {
    await env.relay.waitForStderr(/account race2: the stored credentials were replaced by another process/, 5000);
  }
  // The relay then takes the login's tokens from the store.
  const start = Date.now();
  for (;;) {
    const next = await env.message();
    assert.equal(next.res.status, 200, next.res.text);
    if (next.calls.map((c) => c.credential)[0] === loginAccess) break;
    assert.ok(Date.now() - start < 5000, `the login's token is used within 5 s\n${env.relay.stderr}`);
    await sleep(200);
  }

  await env.restart();
  const afterRestart = await env.message();
  assert.equal(afterRestart.res.status, 200, afterRestart.res.text);
  assert.deepEqual(afterRestart.calls.map((c) => c.credential), [loginAccess], 'the database holds the login\'s tokens');
});
