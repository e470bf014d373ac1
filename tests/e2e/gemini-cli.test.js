'use strict';
// The "done when" for Gemini: the pinned Gemini CLI (@google/gemini-cli), configured as
// the README says (GOOGLE_GEMINI_BASE_URL = relay origin + /gemini, GEMINI_API_KEY = a relay key,
// settings security.auth.selectedType = gemini-api-key, GEMINI_CLI_TRUST_WORKSPACE for a headless
// run, in a fresh HOME), answers `gemini -p` through the relay from a `gemini` (Google OAuth,
// Code Assist) account and from a `gemini-api` account. Offline: the upstream is the Gemini mock
// and an egress trap is the CLI's proxy for anything that is not loopback. The model is named
// with -m: with the default "auto" the CLI first asks a classifier model for a JSON routing
// decision, which the mock does not play. The CLI's Google-login mode (CODE_ASSIST_ENDPOINT) is not
// run here: before any Code Assist call it validates its cached login at Google's tokeninfo
// endpoint (google-auth-library, a fixed host), which an offline test cannot answer.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const { startGeminiEnv, geminiOauth, geminiApi, RELAY_KEY } = require('../integration/lib/gemini-env');
const { startEgressTrap } = require('./lib/egress-trap');

const GEMINI = path.join(__dirname, '..', 'node_modules', '.bin', 'gemini');
const MODEL = 'gemini-2.5-flash';
const skip = Number(process.versions.node.split('.')[0]) < 20 && 'Gemini CLI needs Node.js >= 20';

// The README recipe's settings, in a fresh HOME (no update checks, no usage statistics).
function geminiHome(t) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'relay-gemini-cli-'));
  t.after(() => fs.rmSync(home, { recursive: true, force: true }));
  fs.mkdirSync(path.join(home, '.gemini'));
  fs.writeFileSync(path.join(home, '.gemini', 'settings.json'), JSON.stringify({
    security: { auth: { selectedType: 'gemini-api-key' } },
    general: { disableAutoUpdate: true, disableUpdateNag: true },
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
  }, null, 2));
  return home;
}

function runGemini(home, relayUrl, trap, prompt) {
  const env = {
    ...process.env, HOME: home, GOOGLE_GEMINI_BASE_URL: `${relayUrl}/gemini`, GEMINI_API_KEY: RELAY_KEY,
    GEMINI_CLI_TRUST_WORKSPACE: 'true', NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost',
  };
  for (const k of ['GOOGLE_API_KEY', 'GOOGLE_GENAI_USE_GCA', 'GOOGLE_GENAI_USE_VERTEXAI', 'GOOGLE_CLOUD_PROJECT', 'CODE_ASSIST_ENDPOINT']) delete env[k];
  for (const k of ['HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy', 'ALL_PROXY']) env[k] = trap.url;
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(GEMINI, ['-m', MODEL, '-p', prompt], { cwd: home, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

test('the pinned Gemini CLI is installed and starts offline', { skip }, (t) => {
  const r = spawnSync(GEMINI, ['--version'], { encoding: 'utf8', timeout: 60000, env: { ...process.env, HOME: geminiHome(t) } });
  assert.equal(r.status, 0, r.stderr);
  t.diagnostic(r.stdout.trim());
  assert.match(r.stdout.trim(), /^\d+\.\d+\.\d+/);
});

for (const [label, account] of [['gemini (Google OAuth, Code Assist)', geminiOauth('cli-oauth')], ['gemini-api', geminiApi('cli-api')]]) {
  test(`gemini -p, configured per the README, answers through the relay from a ${label} account`, { skip, timeout: 180000 }, async (t) => {
    const env = await startGeminiEnv(t, { accounts: [account] });
    if (account.kind === 'oauth') env.mock.codeAssist.setProject(account.id, 'proj-cli');
    const trap = await startEgressTrap(t);
    const reply = 'Hello from the relay mock';
    env.mock.enqueue({ path: account.kind === 'oauth' ? '/v1internal:streamGenerateContent' : `/v1beta/models/${MODEL}:streamGenerateContent`, text: reply });
    const mark = env.mark();
    const r = await runGemini(geminiHome(t), env.url, trap, 'Say hello, please.');
    t.diagnostic(`gemini -p took ${r.ms} ms`);
    assert.equal(r.code, 0, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
    assert.equal(r.stdout.trim(), reply);

    const calls = env.generations(mark);
    assert.equal(calls.length, 1, `one generate call upstream: ${calls.map((c) => c.pathname)}`);
    const [call] = calls;
    assert.equal(call.account, account.id);
    assert.equal(call.query.alt, 'sse');
    assert.ok(!JSON.stringify(call.headers).includes(RELAY_KEY), 'the relay key never goes upstream');
    const request = account.kind === 'oauth' ? call.json.request : call.json;
    if (account.kind === 'oauth') {
      assert.equal(call.pathname, '/v1internal:streamGenerateContent');
      assert.equal(call.json.model, MODEL);
      assert.equal(call.json.project, 'proj-cli');
    } else {
      assert.equal(call.pathname, `/v1beta/models/${MODEL}:streamGenerateContent`);
    }
    const said = request.contents.flatMap((c) => c.parts.map((p) => p.text || '')).join('\n');
    assert.match(said, /Say hello, please\./);
    assert.ok(request.systemInstruction, 'the CLI system prompt went through');
    assert.match(call.headers['user-agent'], /GeminiCLI/);
    assert.deepEqual(trap.attempts, [], 'nothing tried to leave the machine');
  });
}
