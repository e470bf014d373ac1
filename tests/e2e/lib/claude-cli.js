'use strict';
// Runs the real Claude Code CLI (the pinned @anthropic-ai/claude-code devDependency) headless and
// offline: a fresh HOME and config dir per run, an environment built from scratch (nothing from
// the developer's shell leaks in: no real keys, no proxy), every non-essential call switched off,
// and an egress trap as the proxy for anything that is not loopback.
//
//   const r = await runClaude(t, { baseUrl: relay.url, apiKey: RELAY_KEY, prompt: 'hi', trap });
//   r.code === 0; r.stdout; r.ms
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { makeTempDir } = require('../../integration/lib/tmpdir');

const PACKAGE = '@anthropic-ai/claude-code';

// The npm package's postinstall copies the native binary over bin/claude.exe; when install scripts
// were skipped, the platform package's own binary (an optional dependency) is the same program.
function candidateBinaries() {
  const out = [];
  try {
    out.push(path.join(path.dirname(require.resolve(`${PACKAGE}/package.json`)), 'bin', 'claude.exe'));
  } catch {
    // not installed; reported below
  }
  const musl = process.platform === 'linux' && !(process.report.getReport().header || {}).glibcVersionRuntime;
  const platformPackage = `${PACKAGE}-${process.platform}-${os.arch()}${musl ? '-musl' : ''}`;
  try {
    out.push(path.join(path.dirname(require.resolve(`${platformPackage}/package.json`)), 'claude'));
  } catch {
    // optional dependency not installed for this platform
  }
  return out;
}

let cached;
// {bin, version, versionMs}: the first candidate that answers --version.
function claudeBinary() {
  if (cached) return cached;
  const tried = [];
  for (const bin of candidateBinaries()) {
    const started = process.hrtime.bigint();
    const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 30000, env: { PATH: process.env.PATH, HOME: os.tmpdir() } });
    const versionMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (r.status === 0 && /Claude Code/.test(r.stdout)) {
      cached = { bin, version: r.stdout.trim(), versionMs };
      return cached;
    }
    tried.push(`${bin}: ${r.error ? r.error.message : `exit ${r.status} ${(r.stderr || r.stdout).slice(0, 200)}`}`);
  }
  throw new Error(`Claude Code CLI not runnable (run \`npm ci --prefix tests\`): ${tried.join('; ') || `${PACKAGE} is not installed`}`);
}

// The whole environment of the CLI. Documented switches: no auto-update, telemetry, error
// reporting, feedback surveys or other non-essential traffic; no terminal.
function cliEnv({ home, baseUrl, apiKey, authToken, trap, extra = {} }) {
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_STATE_HOME: path.join(home, '.local', 'state'),
    TMPDIR: path.join(home, 'tmp'),
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    NO_COLOR: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    DISABLE_BUG_COMMAND: '1',
    CLAUDE_CODE_DISABLE_FEEDBACK_SURVEY: '1',
    ...extra,
  };
  if (baseUrl) env.ANTHROPIC_BASE_URL = baseUrl;
  if (apiKey) env.ANTHROPIC_API_KEY = apiKey;
  if (authToken) env.ANTHROPIC_AUTH_TOKEN = authToken;
  if (trap) {
    for (const name of ['HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy']) env[name] = trap.url;
    env.NO_PROXY = env.no_proxy = '127.0.0.1,localhost';
  }
  return env;
}

// Runs `claude -p PROMPT ...args` in a fresh temp home (with `settings` as ~/.claude/settings.json
// when given; baseUrl, apiKey, authToken become env vars when given); resolves with
// {code, signal, stdout, stderr, ms, startedAt (epoch ms), home} (kills it and resolves with signal set after timeoutMs).
function runClaude(t, { prompt, args = [], timeoutMs = 90000, settings, ...opts }) {
  const { bin } = claudeBinary();
  const home = makeTempDir(t, 'relay-claude-code-home-');
  const cwd = path.join(home, 'project');
  for (const d of [cwd, path.join(home, 'tmp'), path.join(home, '.claude')]) fs.mkdirSync(d, { recursive: true });
  if (settings) fs.writeFileSync(path.join(home, '.claude', 'settings.json'), JSON.stringify(settings, null, 2));
  const env = cliEnv({ home, ...opts });
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const startedAt = Date.now();
    const child = spawn(bin, ['-p', prompt, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Number(process.hrtime.bigint() - started) / 1e6, startedAt, home });
    });
  });
}

// One line for assertion messages: how the CLI ended and what it said.
const describeRun = (r) => `claude exited ${r.code}${r.signal ? ` (${r.signal})` : ''} after ${Math.round(r.ms)} ms\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

module.exports = { claudeBinary, runClaude, describeRun };
