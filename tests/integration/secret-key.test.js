'use strict';
// The encryption key of stored tokens (issue 13): with encrypted credentials already in the
// database, a missing key file or a changed RELAY_ENCRYPTION_KEY stops start-up with a clear
// message (instead of silently falling back to the configuration's tokens), and
// `--reset-secrets` drops the stored credentials, says which accounts, and starts from the
// configuration's tokens.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { startClaudeEnv, oauth, servedBy, initialRefreshToken } = require('./lib/claude-env');
const { startRelay } = require('./lib/relay');

// An env whose account has refreshed once, so its rotated tokens are sealed in the database.
async function envWithStoredTokens(t, relayOpts) {
  const env = await startClaudeEnv(t, { accounts: [oauth('keyed')], relay: relayOpts });
  const { res } = await env.message();
  assert.equal(res.status, 200, res.text);
  assert.equal(env.mock.refreshCount('keyed'), 1);
  assert.equal(await env.relay.stop('SIGTERM'), 0);
  return env;
}


async function exitCode(relay, timeoutMs = 10000) {
  const timer = setTimeout(() => relay.child.kill('SIGKILL'), timeoutMs);
  const { code, signal } = await relay.exit;
  clearTimeout(timer);
  return code === null ? signal : code;
}

test('a missing key file with encrypted tokens in the database stops start-up', async (t) => {
  const env = await envWithStoredTokens(t);
  const keyFile = path.join(env.dir, 'relay.db.key');
  assert.ok(fs.existsSync(keyFile), 'the key file was created beside the database');
  fs.rmSync(keyFile);

  const relay = await startRelay(t, env.dir, env.config, { waitHealthy: false });
  assert.equal(await exitCode(relay), 1, relay.stderr);
  assert.match(relay.stderr, /encryption key file .*relay\.db\.key is missing/);
  assert.match(relay.stderr, /1 encrypted credential\(s\) \(accounts: keyed\)/);
  assert.match(relay.stderr, /RELAY_ENCRYPTION_KEY/);
  assert.match(relay.stderr, /--reset-secrets/);
  assert.ok(!fs.existsSync(keyFile), 'no new key file was made up');
  assert.equal(env.mock.requestsTo('/v1/oauth/token').length, 1, 'nothing was refreshed');
});

test('a changed RELAY_ENCRYPTION_KEY stops start-up; the original key starts again', async (t) => {
  const env = await envWithStoredTokens(t, { env: { RELAY_ENCRYPTION_KEY: 'the original key' } });

  const wrong = await startRelay(t, env.dir, env.config, { env: { RELAY_ENCRYPTION_KEY: 'another key' }, waitHealthy: false });
  assert.equal(await exitCode(wrong), 1, wrong.stderr);
  assert.match(wrong.stderr, /encryption key \(RELAY_ENCRYPTION_KEY\) does not open the encrypted credentials of 1 of 1 account\(s\)/);
  assert.match(wrong.stderr, /keyed/);
  assert.ok(!wrong.stderr.includes('another key'), 'the key itself is never logged');

  // Unset: the key file beside the database does not exist (the key came from the variable).
  const unset = await startRelay(t, env.dir, env.config, { env: { RELAY_ENCRYPTION_KEY: '' }, waitHealthy: false });
  assert.equal(await exitCode(unset), 1, unset.stderr);
  assert.match(unset.stderr, /is missing/);

  env.relay = await startRelay(t, env.dir, env.config, { env: { RELAY_ENCRYPTION_KEY: 'the original key' } });
  const { res, calls } = await env.message();
  assert.equal(res.status, 200, res.text);
  assert.equal(servedBy(calls), 'keyed');
  assert.equal(env.mock.refreshCount('keyed'), 1, 'the stored access token was read back and used');
});

test('--reset-secrets drops the stored credentials, names the accounts, and uses the config tokens', async (t) => {
  const env = await envWithStoredTokens(t);
  fs.writeFileSync(path.join(env.dir, 'relay.db.key'), Buffer.alloc(32, 7)); // another key
  // The operator logged in again and put a fresh refresh token into the configuration.
  env.mock.oauth.addClaudeAccount('keyed', initialRefreshToken('keyed'));

  const refused = await startRelay(t, env.dir, env.config, { waitHealthy: false });
  assert.equal(await exitCode(refused), 1, refused.stderr);
  assert.match(refused.stderr, /key file .* does not open/);

  env.relay = await startRelay(t, env.dir, env.config, { args: ['--reset-secrets'] });
  assert.match(env.relay.stderr, /--reset-secrets: dropped the stored credentials of 1 account\(s\): keyed/);
  const mark = env.mark();
  const { res, calls } = await env.message();
  assert.equal(res.status, 200, `${res.text}\n${env.relay.stderr}`);
  assert.equal(servedBy(calls), 'keyed');
  const [refresh] = env.since(mark, '/v1/oauth/token');
  assert.equal(refresh.json.refresh_token, initialRefreshToken('keyed'), 'refreshed from the config token');

  // The new tokens are sealed with the current key: a plain restart works.
  await env.restart('SIGTERM');
  assert.equal((await env.message()).res.status, 200);
});
