'use strict';
// relay-server login for `gemini` accounts (issue 15, Gemini part): Google's authorize URL with
// gemini-cli's installed-app client, the manual-code redirect, PKCE S256 and the three scopes; the
// bare code pasted back on stdin; the form-encoded exchange at the account's token_url (the mock
// checks the verifier against the challenge); tokens sealed in the state database; the e-mail
// from the id_token; a running relay picking the login up; refusals; and --from-gemini-cli.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { GOOGLE_CLIENT_ID } = require('../mock/oauth');
const { startGeminiEnv, geminiOauth, geminiApi, servedBy } = require('./lib/gemini-env');
const { writeRelayConfig } = require('./lib/relay');
const { runLogin, assertNoTokens, assertSealed } = require('./lib/login-cli');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// An env whose gemini account `id` has no token (and the mock does not know one either).
async function loginEnv(t, id = 'glogin', { start = false, accountExtra = {}, more = [] } = {}) {
  const env = await startGeminiEnv(t, { accounts: [geminiOauth(id, { register: false, ...accountExtra }), ...more], start: false });
  const account = env.config.accounts[0];
  delete account.refresh_token;
  account.authorize_url = `${env.mock.url}/o/oauth2/v2/auth`;
  env.mock.oauth.authorizeAccount = id;
  env.mock.codeAssist.setProject(id, `proj-${id}`);
  env.configFile = writeRelayConfig(env.dir, env.config, 1); // login does not listen
  if (start) await env.startRelay();
  return env;
}

// The sign-in page: the mock's authorize endpoint, given the printed URL's query.
function signIn(env, url) {
  const plan = env.mock.oauth.authorizeGoogle(new URL(url).searchParams);
  assert.equal(plan.status, 200, JSON.stringify(plan.json));
  return plan.json;
}

const issuedTokens = (env, extra = []) => [...env.mock.oauth.accessTokens.keys(), ...env.mock.oauth.refreshTokens.keys(), ...extra].filter((t) => /^(ya29\.|1\/\/)/.test(t));

test('gemini login: Google authorize URL, pasted code, form exchange with PKCE; the relay serves with the login', async (t) => {
  const env = await loginEnv(t);
  let printed;
  const r = await runLogin(env, ['glogin'], (url) => {
    printed = new URL(url);
    return signIn(env, url).shown; // Google's page shows the bare code
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n')[1], 'logged in account glogin (glogin@example.test)');
  assert.equal(`${printed.origin}${printed.pathname}`, `${env.mock.url}/o/oauth2/v2/auth`);
  const q = printed.searchParams;
  assert.equal(q.get('client_id'), GOOGLE_CLIENT_ID);
  assert.equal(q.get('redirect_uri'), 'https://codeassist.google.com/authcode');
  assert.equal(q.get('code_challenge_method'), 'S256');
  assert.match(q.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/);
  assert.match(q.get('state'), /^[A-Za-z0-9_-]{43}$/);
  assert.equal(q.get('access_type'), 'offline');
  assert.deepEqual(q.get('scope').split(' ').sort(), ['https://www.googleapis.com/auth/cloud-platform', 'https://www.googleapis.com/auth/userinfo.email', 'https://www.googleapis.com/auth/userinfo.profile']);
  assert.deepEqual(env.mock.oauth.exchanges, [{ ok: true }], 'one exchange, PKCE verified by the mock');
  const [exchange] = env.mock.requestsTo('/token');
  assert.match(exchange.headers['content-type'], /application\/x-www-form-urlencoded/);
  const form = new URLSearchParams(exchange.body);
  assert.equal(form.get('grant_type'), 'authorization_code');
  assert.ok(form.get('client_secret'));
  assertSealed(env.dir, issuedTokens(env));

  await env.startRelay();
  const { res, calls } = await env.generate();
  assert.equal(res.status, 200, res.text);
  assert.equal(servedBy(calls), 'glogin');
  assert.equal(calls[0].json.project, 'proj-glogin', 'the project was discovered for the login');
  assert.equal(env.mock.refreshCount('glogin'), 1, 'the login\'s access token served; no refresh needed');

  // The stored refresh token refreshes after the access token dies upstream.
  env.mock.oauth.revokeAccessTokens('glogin');
  const again = await env.generate();
  assert.equal(again.res.status, 200, again.res.text);
  assert.equal(servedBy(again.calls), 'glogin');
  const refresh = new URLSearchParams(env.mock.requestsTo('/token').at(-1).body);
  assert.equal(refresh.get('grant_type'), 'refresh_token');
  assert.match(refresh.get('refresh_token'), /^1\/\/mock-login-glogin-/);
  assertNoTokens([r.stdout, r.stderr, env.relay.stderr, env.relay.stdout], issuedTokens(env));
});

test('a running relay picks up a gemini login within 5 s; before it, the account is not logged in', async (t) => {
  const env = await loginEnv(t, 'glate', { start: true });
  const before = await env.generate();
  assert.ok(before.res.status >= 500, before.res.text);
  // The 503 may arrive before the log lines do (stderr is another pipe). Nothing but a login
  // helps, so the failure is permanent, not transient.
  await env.relay.waitForStderr(/not logged in: run relay-server login --config FILE glate/, 3000);
  await env.relay.waitForStderr(/account glate: credential refresh failed for good/, 3000);

  const r = await runLogin(env, ['glate'], (url) => signIn(env, url).shown);
  assert.equal(r.code, 0, r.stderr);
  const loggedIn = Date.now();
  let last;
  while (Date.now() - loggedIn < 5000) {
    last = await env.generate();
    if (last.res.status === 200) break;
    await sleep(200);
  }
  assert.equal(last.res.status, 200, `not picked up within 5 s: ${last.res.text}\n${env.relay.stderr}`);
  assert.equal(servedBy(last.calls), 'glate');
  assertNoTokens([r.stdout, r.stderr, env.relay.stderr], issuedTokens(env));
});

test('gemini login: a used code is refused and leaves the earlier login intact; a wrong state is refused', async (t) => {
  const env = await loginEnv(t);
  let firstCode;
  const first = await runLogin(env, ['glogin'], (url) => (firstCode = signIn(env, url).code));
  assert.equal(first.code, 0, first.stderr);
  const second = await runLogin(env, ['glogin'], () => firstCode);
  assert.equal(second.code, 1);
  assert.match(second.stderr, /refused the code/);
  assert.match(second.stderr, /invalid_grant/);
  const wrong = await runLogin(env, ['glogin'], (url) => `${env.mock.url}/cb?code=${encodeURIComponent(signIn(env, url).code)}&state=not-the-state`);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /state does not match/);
  assert.deepEqual(env.mock.oauth.exchanges.map((e) => e.ok), [true, false]);

  await env.startRelay();
  const { res, calls } = await env.generate();
  assert.equal(res.status, 200, res.text);
  assert.equal(servedBy(calls), 'glogin', 'the first login still serves');
  assertNoTokens([first.stdout, first.stderr, second.stdout, second.stderr, env.relay.stderr], issuedTokens(env));
});

test('gemini login: an unreachable token endpoint is a network failure; a gemini-api account has no login', async (t) => {
  const env = await loginEnv(t, 'glogin', { accountExtra: { token_url: 'http://127.0.0.1:9/token' }, more: [geminiApi('keyed')] });
  const r = await runLogin(env, ['glogin'], (url) => signIn(env, url).shown);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /could not be reached/);
  const k = await runLogin(env, ['keyed']);
  assert.equal(k.code, 1);
  assert.match(k.stderr, /gemini-api/);
});

test('--from-gemini-cli refuses without --take-over and takes over oauth_creds.json with it', async (t) => {
  const env = await loginEnv(t, 'gcli');
  const refresh = '1//gemini-cli-file-refresh-token';
  const access = 'ya29.gemini-cli-file-stale';
  env.mock.oauth.addGoogleAccount('gcli', refresh);
  const file = path.join(env.dir, 'oauth_creds.json');
  fs.writeFileSync(file, JSON.stringify({ access_token: access, refresh_token: refresh, scope: 'https://www.googleapis.com/auth/cloud-platform', token_type: 'Bearer', expiry_date: Date.now() - 60000 }));

  const refused = await runLogin(env, ['gcli', '--from-gemini-cli', file]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /--take-over/);
  assert.match(refused.stderr, /relay-server login/);

  const taken = await runLogin(env, ['gcli', '--from-gemini-cli', file, '--take-over']);
  assert.equal(taken.code, 0, taken.stderr);
  assert.match(taken.stdout, /^logged in account gcli \(taken over from .*oauth_creds\.json\)/);
  assertSealed(env.dir, [refresh]);

  await env.startRelay();
  const { res, calls } = await env.generate();
  assert.equal(res.status, 200, res.text);
  assert.equal(servedBy(calls), 'gcli');
  assert.equal(env.mock.refreshCount('gcli'), 1, 'the expired access token was refreshed with the taken-over refresh token');
  assertNoTokens([refused.stdout, refused.stderr, taken.stdout, taken.stderr, env.relay.stderr], [refresh, access, ...issuedTokens(env)]);
});
