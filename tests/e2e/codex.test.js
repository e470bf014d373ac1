'use strict';
// The "done when" for Codex: the pinned Codex CLI (@openai/codex, a native binary shipped
// in the npm package), configured as the README says (a provider table in config.toml with
// wire_api = "responses", base_url and env_key, in a fresh CODEX_HOME), answers `codex exec`
// through the relay from a Claude account. Offline: the upstream is the Claude mock and an egress
// trap is the CLI's proxy for anything that is not loopback.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const { startClaudeEnv, api, RELAY_KEY } = require('../integration/lib/claude-env');
const { startEgressTrap } = require('./lib/egress-trap');
const { buildMessage, streamFrames } = require('../mock/anthropic');

const CODEX = path.join(__dirname, '..', 'node_modules', '.bin', 'codex');
const MODEL = 'claude-sonnet-4-5';

const textAnswer = (text) => ({ path: '/v1/messages', frames: streamFrames(buildMessage({ model: MODEL, messages: [{ role: 'user', content: text }] }, { text })) });

// The README recipe, written into a fresh CODEX_HOME.
function codexHome(t, baseUrl, extra = '') {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'relay-codex-'));
  t.after(() => fs.rmSync(home, { recursive: true, force: true }));
  fs.writeFileSync(path.join(home, 'config.toml'), [
    `model = "${MODEL}"`,
    'model_provider = "relay"',
    'check_for_update_on_startup = false',
    '',
    '[model_providers.relay]',
    'name = "Relay"',
    `base_url = "${baseUrl}/v1"`,
    'env_key = "RELAY_API_KEY"',
    'wire_api = "responses"',
    extra,
  ].join('\n'));
  return home;
}

function runCodex(home, trap, prompt, args = []) {
  const env = { ...process.env, CODEX_HOME: home, HOME: home, RELAY_API_KEY: RELAY_KEY, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' };
  for (const k of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'CODEX_API_KEY']) delete env[k];
  for (const k of ['HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy', 'ALL_PROXY']) env[k] = trap.url;
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(CODEX, ['exec', '--skip-git-repo-check', ...args, prompt], { cwd: home, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

test('the pinned Codex CLI is installed and starts offline', (t) => {
  // A start reads in a native binary of about 300 MB from disk (2.6-7 s here, almost no CPU):
  // over 20 s once while a benchmark ran beside the suite. The bound is codex exec's.
  const started = Date.now();
  const r = spawnSync(CODEX, ['--version'], { encoding: 'utf8', timeout: 60000 });
  assert.equal(r.status, 0, r.error ? `${r.error.message} after ${Date.now() - started} ms` : r.stderr);
  t.diagnostic(`${r.stdout.trim()} (${Date.now() - started} ms)`);
  assert.match(r.stdout, /^codex-cli \d+\.\d+\.\d+/);
});

test('codex exec, configured per the README, answers through the relay from a Claude account', async (t) => {
  const env = await startClaudeEnv(t, { accounts: [api('claude-a')] });
  const trap = await startEgressTrap(t);
  env.mock.enqueue(textAnswer('Hello from the relay mock'));
  const mark = env.mark();
  const r = await runCodex(codexHome(t, env.url), trap, 'Say hello.');
  t.diagnostic(`codex exec took ${r.ms} ms`);
  assert.equal(r.code, 0, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  assert.match(r.stdout, /Hello from the relay mock/);
  const calls = env.since(mark);
  assert.equal(calls.length, 1, 'one upstream request');
  const call = calls[0];
  assert.equal(call.account, 'claude-a');
  assert.equal(call.json.model, MODEL);
  assert.equal(call.json.stream, true);
  assert.ok(call.json.system.some((b) => /Codex/.test(b.text)), 'the Codex instructions became the system prompt');
  assert.ok(Array.isArray(call.json.tools) && call.json.tools.length > 0, "Codex's tools were translated");
  assert.ok(!call.body.includes(RELAY_KEY) && !Object.values(call.headers).some((v) => String(v).includes(RELAY_KEY)), 'relay key never upstream');
  // Codex 0.169 still reaches for github.com and chatgpt.com (plugin and feature lookups) with a
  // custom provider; the trap refuses them and the answer does not depend on them.
  t.diagnostic(`outbound attempts refused by the trap: ${trap.attempts.join(', ') || 'none'}`);
  assert.ok(trap.attempts.every((a) => /^CONNECT ([a-z.]*\.)?(github\.com|chatgpt\.com):443$/.test(a)), `unexpected egress: ${trap.attempts}`);
});

test('with WebSockets enabled, Codex falls back to HTTP at once on the relay\'s 426', async (t) => {
  const env = await startClaudeEnv(t, { accounts: [api('claude-a')] });
  const trap = await startEgressTrap(t);
  env.mock.enqueue(textAnswer('Answer over plain HTTP'));
  const home = codexHome(t, env.url, 'supports_websockets = true');
  const r = await runCodex(home, trap, 'Say hello.', ['-c', 'features.responses_websockets=true']);
  t.diagnostic(`codex exec took ${r.ms} ms`);
  assert.equal(r.code, 0, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  assert.match(r.stdout, /Answer over plain HTTP/);
  const wsFailures = (r.stdout + r.stderr).match(/failed to connect to Responses WebSocket/g) || [];
  assert.ok(wsFailures.length >= 1, 'Codex did try the WebSocket first');
  assert.ok(wsFailures.length <= 1, `one refused upgrade, no retries: ${wsFailures.length}`);
  assert.ok(r.ms < 20000, `no retry back-off before the HTTP fallback (${r.ms} ms)`);
});
