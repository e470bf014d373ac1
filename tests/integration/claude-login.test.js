'use strict';
// relay-server login (issue 15, Claude part): the authorize URL with PKCE S256 and a fresh state,
// the code pasted back on stdin, the exchange at the account's token_url (the mock checks the
// verifier against the challenge), tokens sealed in the state database, a running relay picking
// them up within 5 s, clear refusals (wrong state, used code, network failure, no login), taking
// over Claude Code's credential file, and the setup-token expiry warning. No token is ever printed.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { CLAUDE_CLIENT_ID } = require('../mock/oauth');
const { startClaudeEnv, oauth, api, servedBy, tableRow } = require('./lib/claude-env');
const { writeRelayConfig, runRelayCli } = require('./lib/relay');
const { runLogin, assertNoTokens, assertSealed } = require('./lib/login-cli');

const DAY = 24 * 3600;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// An env whose claude-oauth account `id` has no token at all (the mock does not know it either).
async function loginEnv(t, id = 'login', { start = false, accountExtra = {}, more = [] } = {}) {
  const env = await startClaudeEnv(t, { accounts: [oauth(id, { register: false, ...accountExtra }), ...more], start: false });
  const account = env.config.accounts[0];
  delete account.refresh_token;
  account.authorize_url = `${env.mock.url}/oauth/authorize`;
  env.mock.oauth.authorizeAccount = id;
  env.configFile = writeRelayConfig(env.dir, env.config, 1); // login does not listen
  if (start) await env.startRelay();
  return env;
}

// The sign-in page: the mock's authorize endpoint, given the printed URL's query.
function signIn(env, url) {
  const plan = env.mock.oauth.authorize(new URL(url).searchParams);
  assert.equal(plan.status, 200, JSON.stringify(plan.json));
  return plan.json;
}

// Every token the mock ever issued, plus extra ones the test made up.
function issuedTokens(env, extra = []) {
  return [...env.mock.oauth.accessTokens.keys(), ...env.mock.oauth.refreshTokens.keys(), ...extra].filter((t) => t.startsWith('sk-ant-'));
}

test('login prints an authorize URL, exchanges the pasted code#state, and the relay serves with the new tokens', async (t) => {
  const env = await loginEnv(t);
  let printed;
  const r = await runLogin(env, ['login'], (url) => {
    printed = new URL(url);
    return signIn(env, url).shown;
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n').length, 2, 'the URL line and the result line');
  assert.equal(r.stdout.trim().split('\n')[1], 'logged in account login (login@example.test, Org login)');
  assert.equal(`${printed.origin}${printed.pathname}`, `${env.mock.url}/oauth/authorize`);
  const q = printed.searchParams;
  assert.equal(q.get('client_id'), CLAUDE_CLIENT_ID);
  assert.equal(q.get('code'), 'true');
  assert.equal(q.get('code_challenge_method'), 'S256');
  assert.match(q.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/);
  assert.match(q.get('state'), /^[A-Za-z0-9_-]{43}$/);
  assert.equal(q.get('redirect_uri'), 'https://platform.claude.com/oauth/code/callback');
  assert.match(q.get('scope'), /user:inference/);
  assert.deepEqual(env.mock.oauth.exchanges, [{ ok: true }], 'one exchange, PKCE verified by the mock');
  const [exchange] = env.mock.requests.filter((x) => x.pathname === '/v1/oauth/token');
  assert.match(exchange.headers['content-type'], /application\/json/);
  assert.equal(exchange.json.grant_type, 'authorization_code');

  // A second login makes a fresh state and challenge.
  const again = await runLogin(env, ['login'], (url) => {
    assert.notEqual(new URL(url).searchParams.get('state'), q.get('state'));
    return null;
  });
  assert.equal(again.code, 1);

  const tokens = issuedTokens(env);
  assert.equal(tokens.length, 2, 'one access and one refresh token issued');
  assertSealed(env.dir, tokens);

  await env.startRelay();
  const { res, calls } = await env.message();
  assert.equal(res.status, 200, res.text);
  assert.equal(servedBy(calls), 'login');
  assert.equal(env.mock.refreshCount('login'), 1, 'the login\'s access token was used, no refresh needed');
  assertNoTokens([r.stdout, r.stderr, again.stdout, again.stderr, env.relay.stderr, env.relay.stdout], issuedTokens(env));
});

test('a running relay picks up a login within 5 s; before it, the account is "not logged in"', async (t) => {
  const env = await loginEnv(t, 'late', { start: true });
  const before = await env.message();
  assert.equal(before.res.status, 503, before.res.text);
  // The 503 may arrive before the log line does (stderr is another pipe).
  await env.relay.waitForStderr(/'late'.*not logged in: run relay-server login --config FILE late/, 3000);

  const r = await runLogin(env, ['late'], (url) => signIn(env, url).shown);
  assert.equal(r.code, 0, r.stderr);
  const loggedIn = Date.now();
  let last;
  while (Date.now() - loggedIn < 5000) {
    last = await env.message();
    if (last.res.status === 200) break;
    await sleep(200);
  }
  assert.equal(last.res.status, 200, `not picked up within 5 s: ${last.res.text}\n${env.relay.stderr}`);
  assert.equal(servedBy(last.calls), 'late');
  assertNoTokens([r.stdout, r.stderr, env.relay.stderr], issuedTokens(env));
});

test('a wrong state is refused before any exchange', async (t) => {
  const env = await loginEnv(t);
  const r = await runLogin(env, ['login'], (url) => `${signIn(env, url).code}#not-the-state`);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /state does not match/);
  assert.deepEqual(env.mock.oauth.exchanges, []);
  assert.ok(!fs.existsSync(path.join(env.dir, 'relay.db')) || !(await tokenRowExists(env, 'login')));
});

// True when the credentials table has a row for the account (via `accounts`' own database).
async function tokenRowExists(env, id) {
  const sqlite = require('child_process').spawnSync('sqlite3', [path.join(env.dir, 'relay.db'), `SELECT count(*) FROM credentials WHERE account_id='${id}'`], { encoding: 'utf8' });
  if (sqlite.error) return false; // no sqlite3 tool: the exchange count above is the check
  return sqlite.stdout.trim() !== '0';
}

test('a used code is refused and the failed exchange leaves the earlier login intact', async (t) => {
  const env = await loginEnv(t);
  let firstCode;
  const first = await runLogin(env, ['login'], (url) => {
    firstCode = signIn(env, url).code;
    return `${firstCode}#${new URL(url).searchParams.get('state')}`;
  });
  assert.equal(first.code, 0, first.stderr);
  const second = await runLogin(env, ['login'], (url) => `${firstCode}#${new URL(url).searchParams.get('state')}`);
  assert.equal(second.code, 1);
  assert.match(second.stderr, /refused the code/);
  assert.match(second.stderr, /invalid_grant/);
  assert.deepEqual(env.mock.oauth.exchanges.map((e) => e.ok), [true, false]);

  await env.startRelay();
  const { res, calls } = await env.message();
  assert.equal(res.status, 200, res.text);
  assert.equal(servedBy(calls), 'login', 'the first login\'s tokens still serve');
  assertNoTokens([first.stdout, first.stderr, second.stdout, second.stderr, env.relay.stderr], issuedTokens(env));
});

test('an unreachable token endpoint is a clear network failure; a claude-api account has no login', async (t) => {
  const env = await loginEnv(t, 'login', { accountExtra: { token_url: 'https://127.0.0.1:9/v1/oauth/token' }, more: [api('keyed')] });
  const r = await runLogin(env, ['login'], (url) => signIn(env, url).shown);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /could not be reached/);

  const k = await runLogin(env, ['keyed']);
  assert.equal(k.code, 1);
  assert.match(k.stderr, /claude-api/);

  const missing = await runLogin(env, ['nobody']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no account with id 'nobody'/);
});

test('--from-claude-code refuses without --take-over and takes the tokens over with it', async (t) => {
  const env = await loginEnv(t, 'cc');
  const refresh = 'sk-ant-ort01-claude-code-file-token';
  const access = 'sk-ant-oat01-claude-code-file-stale';
  env.mock.oauth.addClaudeAccount('cc', refresh);
  const file = path.join(env.dir, 'credentials.json');
  fs.writeFileSync(file, JSON.stringify({
    claudeAiOauth: { accessToken: access, refreshToken: refresh, expiresAt: Date.now() - 60000, scopes: ['user:inference'], subscriptionType: 'max' },
  }));

  const refused = await runLogin(env, ['cc', '--from-claude-code', file]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /--take-over/);
  assert.match(refused.stderr, /signed out/);
  assert.match(refused.stderr, /relay-server login/);
  assert.match(refused.stderr, /setup-token/);

  const taken = await runLogin(env, ['cc', '--from-claude-code', file, '--take-over']);
  assert.equal(taken.code, 0, taken.stderr);
  assert.match(taken.stdout, /^logged in account cc/);

  await env.startRelay();
  const { res, calls } = await env.message();
  assert.equal(res.status, 200, res.text);
  assert.equal(servedBy(calls), 'cc');
  assert.equal(env.mock.refreshCount('cc'), 1, 'the expired access token was refreshed with the taken-over refresh token');
  assertNoTokens([refused.stdout, refused.stderr, taken.stdout, taken.stderr, env.relay.stderr], [refresh, access, ...issuedTokens(env)]);
});

test('a setup-token account (access_token, expires_at, no refresh_token) serves and warns 7 days before expiry', async (t) => {
  const soon = 'sk-ant-oat01-setup-token-soon';
  const later = 'sk-ant-oat01-setup-token-later';
  const env = await startClaudeEnv(t, {
    accounts: [
      oauth('soon', { register: false, access_token: soon, expires_at: Math.floor(Date.now() / 1000) + 3 * DAY, priority: 90 }),
      oauth('later', { register: false, access_token: later, expires_at: Math.floor(Date.now() / 1000) + 30 * DAY }),
    ],
    start: false,
  });
  for (const a of env.config.accounts) delete a.refresh_token;
  env.mock.oauth.accessTokens.set(soon, { provider: 'claude', account: 'soon', expiresAt: Date.now() + 3 * DAY * 1000 });
  env.mock.oauth.accessTokens.set(later, { provider: 'claude', account: 'later', expiresAt: Date.now() + 30 * DAY * 1000 });
  await env.startRelay();
  await env.relay.waitForStderr(/'soon'.*expires at .*no refresh_token/);
  assert.doesNotMatch(env.relay.stderr, /'later'.*expires at/);
  const { res, calls } = await env.message();
  assert.equal(res.status, 200, res.text);
  assert.equal(servedBy(calls), 'soon');
  assert.equal(env.mock.refreshCount('soon'), 0);
  // `relay-server accounts` shows each token's expiry (from the configured expires_at).
  const isoSeconds = (a) => new Date(a.expires_at * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  let table;
  for (let i = 0; i < 20; i++) {
    table = runRelayCli(['accounts', '--config', env.relay.configFile]);
    if (env.config.accounts.every((a) => table.stdout.includes(isoSeconds(a)))) break;
    await sleep(100);
  }
  assert.equal(table.code, 0, table.stderr);
  for (const a of env.config.accounts) assert.match(tableRow(table.stdout, a.id).line, new RegExp(isoSeconds(a)));
  assertNoTokens([env.relay.stderr, env.relay.stdout, table.stdout, table.stderr], [soon, later]);
});
