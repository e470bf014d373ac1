'use strict';
// Account keys belong to the provider plugins: the core reads only the common keys and each
// plugin validates the rest. A key the plugin rejects is reported with file, line and key path,
// by --check-config and at start-up alike. A plugin built against ABI 1.0 still loads and
// serves (tests/unit/core/plugin/fixtures/abi_1_0_provider.c, compiled against the 1.0 header).
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { makeTempDir, writeRelayConfig, runRelayCli, startRelay, RELAY_BIN } = require('./lib');
const { startMockUpstream } = require('../mock/upstream');

const FIXTURE_1_0 = path.join(path.dirname(RELAY_BIN), 'tests/unit/core/plugin/librelay_fixture_abi_1_0_provider.so');

// Writes a config and returns the 1-based line of the first line matching `marker`.
function writeConfigText(dir, text) {
  const file = path.join(dir, 'relay.yaml');
  fs.writeFileSync(file, `server:\n  host: 127.0.0.1\n  port: 3999\n  database_path: ${path.join(dir, 'relay.db')}\n${text}`);
  return file;
}
const lineOf = (file, marker) => fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(marker)) + 1;

test('--check-config catches a key the plugin requires (claude-api without api_key)', (t) => {
  const dir = makeTempDir(t);
  const file = writeConfigText(dir, 'accounts:\n  - type: claude-api\n    id: no-key\n');
  const r = runRelayCli(['--check-config', file]);
  assert.equal(r.code, 1, r.stdout);
  const line = lineOf(file, '- type: claude-api');
  assert.match(r.stderr, new RegExp(`relay\\.yaml:${line}:5: accounts\\[0\\]: missing required key 'api_key' for type claude-api`));
});

test('--check-config reports a malformed plugin key at its file:line:col with the key path', (t) => {
  const dir = makeTempDir(t);
  const file = writeConfigText(dir, [
    'accounts:',
    '  - type: claude-api',
    '    id: ok',
    '    api_key: sk-ant-api03-fine',
    '  - type: claude-oauth',
    '    id: bad',
    '    refresh_token: rt',
    '    expires_at: tomorrow',
    '',
  ].join('\n'));
  const r = runRelayCli(['--check-config', file]);
  assert.equal(r.code, 1, r.stdout);
  const line = lineOf(file, 'expires_at: tomorrow');
  assert.match(r.stderr, new RegExp(`relay\\.yaml:${line}:17: accounts\\[1\\]\\.expires_at: expected an integer >= 0, got "tomorrow"`));
});

test('a misspelt plugin key stops start-up with file:line and a suggestion', async (t) => {
  const dir = makeTempDir(t);
  const file = writeConfigText(dir, 'accounts:\n  - type: claude-oauth\n    id: typo\n    refresh_tokn: rt\n');
  const child = require('child_process').spawnSync(RELAY_BIN, ['--config', file], { encoding: 'utf8', timeout: 10000 });
  assert.equal(child.status, 1, child.stdout);
  const line = lineOf(file, 'refresh_tokn');
  assert.match(child.stderr, new RegExp(`relay\\.yaml:${line}:5: accounts\\[0\\]\\.refresh_tokn: unknown key \\(did you mean 'refresh_token'\\?\\)`));
});

test('gemini and openai accounts are validated by their plugins though they do not serve yet', (t) => {
  const dir = makeTempDir(t);
  const good = writeConfigText(dir, [
    'accounts:',
    '  - {type: gemini, id: g1, refresh_token: g-rt, client_id: cid, client_secret: cs, project_id: p1}',
    '  - {type: gemini-api, id: g2, api_key: AIza-test}',
    '  - {type: openai-api, id: o1, api_key: sk-test, organization: org-1}',
    '',
  ].join('\n'));
  const ok = runRelayCli(['--check-config', good]);
  assert.equal(ok.code, 0, ok.stderr);
  const bad = writeConfigText(dir, 'accounts:\n  - {type: gemini-api, id: g2, api_key: k, project_id: p}\n');
  const r = runRelayCli(['--check-config', bad]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /relay\.yaml:\d+:\d+: accounts\[0\]\.project_id: unknown key/);
});

test('the example configuration still checks', () => {
  const r = runRelayCli(['--check-config', path.join(__dirname, '../../conf/relay.example.yaml')]);
  assert.equal(r.code, 0, r.stderr);
});

test('a plugin listed in plugins: whose name is already loaded is a config error with file:line', (t) => {
  const dir = makeTempDir(t);
  const copy = path.join(dir, 'librelay_second.so');
  fs.copyFileSync(path.join(path.dirname(RELAY_BIN), 'plugins/claude/librelay_claude.so'), copy);
  const file = writeConfigText(dir, `plugins:\n  - ${copy}\n`);
  const r = runRelayCli(['--check-config', file]);
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stderr, new RegExp(`relay\\.yaml:${lineOf(file, copy)}:5: plugins\\[0\\]: .*plugin name "claude" is already taken`));
  // Listing the very file that is already loaded is harmless.
  const same = writeConfigText(dir, `plugins:\n  - ${path.join(path.dirname(RELAY_BIN), 'plugins/claude/librelay_claude.so')}\n`);
  assert.equal(runRelayCli(['--check-config', same]).code, 0);
});

test('a plugin built against ABI 1.0 loads through plugins: and serves a request', async (t) => {
  assert.ok(fs.existsSync(FIXTURE_1_0), `fixture built at ${FIXTURE_1_0}`);
  const mock = await startMockUpstream();
  t.after(() => mock.close());
  const dir = makeTempDir(t);
  const check = writeRelayConfig(dir, {
    plugins: [FIXTURE_1_0],
    accounts: [{ type: 'fixture-legacy', id: 'old-1', api_url: mock.url, legacy_secret: 'from-1.0' }],
  }, 3999);
  const summary = runRelayCli(['--check-config', check]);
  assert.equal(summary.code, 0, summary.stderr);
  assert.match(summary.stdout, /fixture-legacy 1\.0/);
  const relay = await startRelay(t, dir, {
    plugins: [FIXTURE_1_0],
    accounts: [{ type: 'fixture-legacy', id: 'old-1', api_url: mock.url, legacy_secret: 'from-1.0' }],
    routes: [{ path: '/v1/messages', methods: ['POST'], chain: 'anthropic', format: 'anthropic', providers: ['fixture-legacy'] }],
  });
  const res = await fetch(`${relay.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'any-model', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }),
  });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  assert.equal(JSON.parse(text).type, 'message');
  const seen = mock.requests.filter((r) => r.pathname === '/v1/messages');
  assert.equal(seen.length, 1);
  assert.equal(seen[0].headers['x-legacy-secret'], 'from-1.0');
});

const FIXTURE_1_2 = path.join(path.dirname(RELAY_BIN), 'tests/unit/core/plugin/librelay_fixture_abi_1_2_provider.so');

test('a plugin built against ABI 1.2 (no credentials_committed) refreshes, stores and serves', async (t) => {
  assert.ok(fs.existsSync(FIXTURE_1_2), `fixture built at ${FIXTURE_1_2}`);
  const mock = await startMockUpstream();
  t.after(() => mock.close());
  const dir = makeTempDir(t);
  const relay = await startRelay(t, dir, {
    plugins: [FIXTURE_1_2],
    accounts: [{ type: 'fixture-one-two', id: 'mid-1', api_url: mock.url }],
    routes: [{ path: '/v1/messages', methods: ['POST'], chain: 'anthropic', format: 'anthropic', providers: ['fixture-one-two'] }],
  });
  for (let i = 0; i < 2; i++) {
    const res = await fetch(`${relay.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'any-model', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const text = await res.text();
    assert.equal(res.status, 200, `${text}\n${relay.stderr}`);
    assert.equal(JSON.parse(text).type, 'message');
  }
  const seen = mock.requests.filter((r) => r.pathname === '/v1/messages');
  assert.equal(seen.length, 2);
  // One refresh served both: the host woke the waiter after committing what the plugin stored.
  assert.deepEqual(seen.map((r) => r.headers['x-fixture-session']), ['session-1.2-1', 'session-1.2-1']);
  assert.equal(await relay.stop('SIGTERM'), 0);
  const facts = require('child_process').spawnSync('sqlite3', [path.join(dir, 'relay.db'),
    "SELECT account_id || ':' || key FROM account_facts;"], { encoding: 'utf8' });
  assert.equal(facts.stdout.trim(), 'mid-1:session', facts.stderr);

  // The sealed fact counts as a stored secret: another key stops start-up naming the account,
  // and --reset-secrets drops the fact too.
  const config = {
    plugins: [FIXTURE_1_2],
    accounts: [{ type: 'fixture-one-two', id: 'mid-1', api_url: mock.url }],
    routes: [{ path: '/v1/messages', methods: ['POST'], chain: 'anthropic', format: 'anthropic', providers: ['fixture-one-two'] }],
  };
  fs.writeFileSync(path.join(dir, 'relay.db.key'), Buffer.alloc(32, 9));
  const refused = await startRelay(t, dir, config, { waitHealthy: false });
  const { code } = await refused.exit;
  assert.equal(code, 1, refused.stderr);
  assert.match(refused.stderr, /does not open the encrypted credentials of 1 of 1 account\(s\) .*\(mid-1\)/);
  const reset = await startRelay(t, dir, config, { args: ['--reset-secrets'] });
  assert.match(reset.stderr, /--reset-secrets: dropped the stored credentials of 1 account\(s\): mid-1/);
  assert.equal(await reset.stop('SIGTERM'), 0);
  const left = require('child_process').spawnSync('sqlite3', [path.join(dir, 'relay.db'),
    'SELECT count(*) FROM account_facts;'], { encoding: 'utf8' });
  assert.equal(left.stdout.trim(), '0');
});

test('--check-config runs the plugins on every account without any I/O', async (t) => {
  const mock = await startMockUpstream();
  t.after(() => mock.close());
  const dir = makeTempDir(t);
  const file = writeRelayConfig(dir, {
    accounts: [{
      type: 'claude-oauth', id: 'expired', refresh_token: 'rt-check', access_token: 'at-old',
      expires_at: Math.floor(Date.now() / 1000) - 60, token_url: `${mock.url}/v1/oauth/token`, api_url: mock.url,
    }],
  }, 3999);
  const r = runRelayCli(['--check-config', file]);
  assert.equal(r.code, 0, r.stderr);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(mock.requests.length, 0, 'no token refresh, no upstream call');
  assert.ok(!fs.existsSync(path.join(dir, 'relay.db')), 'no database was created');
});
