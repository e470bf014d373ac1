'use strict';
// What a newcomer does first: ./scripts/run with their own config and --listen, and the original
// product's config.toml (conf/config.example.toml, and its README's blocks pasted in order).
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { makeTempDir, writeRelayConfig, runRelayCli, requireBinary, request } = require('./lib');
const { startListeningRelay } = require('./lib/listen-log');

const ROOT = path.resolve(__dirname, '../..');
const EXAMPLE_TOML = path.join(ROOT, 'conf/config.example.toml');
const RELEASE_BIN = path.join(ROOT, 'build/relay-server');

// ./scripts/run builds and starts build/relay-server; against another binary (the sanitizer
// build) this test would only repeat itself, and could start a full build.
const runsReleaseBinary = path.resolve(requireBinary()) === RELEASE_BIN;

test('./scripts/run passes --config and --listen through and serves /health on the port it logs',
  { skip: !runsReleaseBinary && 'RELAY_BIN is not build/relay-server', timeout: 300000 }, async (t) => {
    const dir = makeTempDir(t);
    const config = writeRelayConfig(dir, { api_keys: ['first-contact-key'] }, 3999);
    const relay = await startListeningRelay(t, path.join(ROOT, 'scripts/run'),
      ['--config', config, '--listen', '127.0.0.1:0'], { timeoutMs: 280000 });
    assert.notEqual(relay.port, 3999, 'the configured port is overridden');
    assert.doesNotMatch(relay.stderr, /starting relay on conf\//, 'no example config is slipped in');
    const health = await request(`${relay.url}/health`);
    assert.equal(health.status, 200, health.text);
    assert.equal(await relay.stop(), 0, relay.stderr);
  });

test('port 0 with several workers: one port, picked by the kernel, shared by every worker', async (t) => {
  const dir = makeTempDir(t);
  const config = writeRelayConfig(dir, { server: { workers: 3 } }, 3999);
  const relay = await startListeningRelay(t, requireBinary(), ['--config', config, '--listen', '127.0.0.1:0']);
  assert.match(relay.stderr, /listening on 127\.0\.0\.1:\d+ with 3 workers/);
  // Every worker's SO_REUSEPORT listener is on the logged port (not one port each).
  const hexPort = relay.port.toString(16).toUpperCase().padStart(4, '0');
  const listeners = fs.readFileSync('/proc/net/tcp', 'utf8').split('\n')
    .filter((l) => l.includes(`:${hexPort} 00000000:0000 0A `));
  assert.equal(listeners.length, 3, listeners.join('\n'));
  for (let i = 0; i < 12; i++) {
    const res = await request(`${relay.url}/health`, { headers: { connection: 'close' } });
    assert.equal(res.status, 200);
  }
});

test('--listen rejects a malformed address before loading anything', () => {
  const r = runRelayCli(['--listen', '127.0.0.1', '--config', '/nonexistent.yaml']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--listen: expected HOST:PORT/);
});

test('the relay starts on conf/config.example.toml and accepts a key from its api_keys', async (t) => {
  const dir = makeTempDir(t);  // the working directory: data/relay.db is created here
  const relay = await startListeningRelay(t, requireBinary(),
    ['--config', EXAMPLE_TOML, '--listen', '127.0.0.1:0'], { cwd: dir });
  assert.doesNotMatch(relay.stderr, /configuration warning/);
  assert.equal((await request(`${relay.url}/health`)).status, 200);
  assert.ok(fs.existsSync(path.join(dir, 'data/relay.db')), 'the database is relative to the working directory');
  // The model list is answered by the relay itself (no upstream call) but needs a relay key.
  const models = (headers) => request(`${relay.url}/api/v1/models`, { headers });
  const ok = await models({ 'x-api-key': 'your-api-key-2' });
  assert.equal(ok.status, 200, ok.text);
  assert.ok(Array.isArray(ok.json.data) && ok.json.data.length > 0, ok.text);
  assert.equal((await models({ authorization: 'Bearer your-api-key-1' })).status, 200);
  assert.equal((await models({ 'x-api-key': 'not-in-the-list' })).status, 401);
  assert.equal((await models({})).status, 401);
});

// The original README's configuration blocks, pasted into one file in the order it shows them.
const README_PASTED = [
  "[server]",
  "host = \"127.0.0.1\"      # 监听地址",
  "port = 3000             # 监听端口",
  "database_path = \"data/relay.db\"  # SQLite 数据库路径",
  "log_level = \"info\"      # 日志级别: trace, debug, info, warn, error",
  "",
  "# 留空则禁用认证",
  "api_keys = [",
  "    \"your-api-key-1\",",
  "    \"your-api-key-2\",",
  "]",
  "",
  "[session]",
  "sticky_ttl_seconds = 3600           # 会话 TTL（默认1小时）",
  "renewal_threshold_seconds = 300      # 续期阈值（剩余5分钟时续期）",
  "",
  "[[accounts]]",
  "type = \"claude-oauth\"",
  "id = \"claude-1\"",
  "name = \"Claude OAuth Account\"",
  "priority = 100                    # 优先级，数值越大优先级越高",
  "enabled = true",
  "refresh_token = \"your-refresh-token\"",
  "api_url = \"https://api.anthropic.com\"  # 可选：自定义 API URL",
  "",
  "[[accounts]]",
  "type = \"claude-api\"",
  "id = \"claude-api-1\"",
  "name = \"Claude API Account\"",
  "priority = 90",
  "enabled = true",
  "api_key = \"sk-ant-api03-xxxx\"",
  "api_url = \"https://api.anthropic.com\"  # 可选：自定义 API URL",
  "",
  "[[accounts]]",
  "type = \"gemini\"",
  "id = \"gemini-1\"",
  "name = \"Gemini Account\"",
  "priority = 100",
  "enabled = true",
  "refresh_token = \"your-google-refresh-token\"",
  "api_url = \"https://cloudcode.googleapis.com\"  # 可选：自定义 API URL",
  "",
  "[[accounts]]",
  "type = \"claude-oauth\"",
  "id = \"claude-proxy\"",
  "name = \"Claude with SOCKS5 Proxy\"",
  "priority = 50",
  "enabled = true",
  "refresh_token = \"your-refresh-token\"",
  "",
  "[accounts.proxy]",
  "type = \"socks5\"",
  "host = \"127.0.0.1\"",
  "port = 1080",
  "username = \"user\"    # 可选",
  "password = \"pass\"    # 可选",
  "",
  "[[accounts]]",
  "type = \"gemini\"",
  "id = \"gemini-proxy\"",
  "name = \"Gemini with HTTP Proxy\"",
  "priority = 50",
  "enabled = true",
  "refresh_token = \"your-refresh-token\"",
  "",
  "[accounts.proxy]",
  "type = \"http\"",
  "host = \"proxy.example.com\"",
  "port = 8080",
  "username = \"user\"    # 可选",
  "password = \"pass\"    # 可选"
].join('\n');

test('the original README pasted as is into a .toml passes --check-config, with one warning', (t) => {
  const dir = makeTempDir(t);
  const file = path.join(dir, 'config.toml');
  fs.writeFileSync(file, README_PASTED);
  const r = runRelayCli(['--check-config', file]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr.match(/configuration warning/g).length, 1, r.stderr);
  const line = README_PASTED.split('\n').indexOf('api_keys = [') + 1;
  assert.ok(r.stderr.includes(`${file}:${line}:1: server.api_keys: api_keys belongs at the top level: move it above the first table`), r.stderr);
  assert.match(r.stdout, /api keys: 2\n/);
  assert.match(r.stdout, /accounts: 5 \(claude: 3, gemini: 2\)/);
});

test('a TOML error names the .toml file, line and column', (t) => {
  const dir = makeTempDir(t);
  const file = path.join(dir, 'config.toml');
  fs.writeFileSync(file, 'api_keys = []\n\n[server]\nport = 3000\nhots = "127.0.0.1"\n');
  const r = runRelayCli(['--check-config', file]);
  assert.equal(r.code, 1);
  assert.ok(r.stderr.includes(`${file}:5:1: server.hots: unknown key (did you mean 'host'?)`), r.stderr);
});
