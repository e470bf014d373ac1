'use strict';
// Claude end-to-end fixture: a TLS (h2) mock upstream that knows every configured account
// (OAuth refresh tokens, API keys; strict auth, so an unknown credential gets a 401), and a relay
// configured with those accounts. One ClaudeEnv per test (or per describe block).
//
//   const env = await startClaudeEnv(t, { accounts: [oauth('primary', {priority: 100}), api('backup')] });
//   const { res, calls } = await env.message({ model: 'claude-opus-4-5' });
//   servedBy(calls) === 'backup'
const fs = require('fs');
const os = require('os');
const path = require('path');
const { startMockUpstream } = require('../../mock/upstream');
const { makeTempDir } = require('./tmpdir');
const { makeCerts } = require('./certs');
const { startRelay, runRelayCli } = require('./relay');
const { request, readSse } = require('./http');

const RELAY_KEY = 'relay-client-key-5b1e9c';
const IDENTITY = "You are Claude Code, Anthropic's official CLI for Claude.";
const OAUTH_BETA = 'oauth-2025-04-20';
const CLAUDE_CODE_HEADERS = {
  'x-app': 'cli',
  'user-agent': 'claude-cli/2.1.197 (external, cli)',
  'anthropic-dangerous-direct-browser-access': 'true',
};
// State names /health and the accounts table may use for an account that can serve requests.
const USABLE_STATE = /^(active|available|healthy|ok|ready)$/i;

// One CA + server certificate per test process (openssl is slow enough to matter).
let certs;
function sharedCerts() {
  if (!certs) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relay-claude-certs-'));
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    certs = makeCerts(dir);
  }
  return certs;
}

// Account specs; the env turns them into relay config and registers them with the mock.
const oauth = (id, extra = {}) => ({ kind: 'oauth', id, ...extra });
const api = (id, extra = {}) => ({ kind: 'api', id, ...extra });
const initialRefreshToken = (id) => `sk-ant-ort01-initial-${id}`;
const apiKeyOf = (id) => `sk-ant-api03-mockkey-${id}`;

function accountConfig(spec, mock, caFile) {
  const { kind, id, register, ...rest } = spec;
  const common = { id, priority: 50, api_url: mock.url, ca_file: caFile };
  if (kind === 'oauth') {
    return { type: 'claude-oauth', ...common, refresh_token: initialRefreshToken(id), token_url: `${mock.url}/v1/oauth/token`, ...rest };
  }
  return { type: 'claude-api', ...common, api_key: apiKeyOf(id), ...rest };
}

// The account that a recorded upstream request authenticated as (undefined: unknown credential).
const servedBy = (calls) => (calls.length ? calls[calls.length - 1].account : undefined);

class ClaudeEnv {
  constructor(t, dir, mock, config) {
    this.t = t;
    this.dir = dir;
    this.mock = mock;
    this.config = config;
    this.seq = 0;
  }

  get url() {
    return this.relay.url;
  }

  async startRelay(opts) {
    this.relay = await startRelay(this.t, this.dir, this.config, opts);
    return this.relay;
  }

  // Stops the relay (SIGTERM: graceful; SIGKILL: crash) and starts it again on the same database.
  async restart(signal = 'SIGTERM') {
    const code = await this.relay.stop(signal);
    if (signal === 'SIGTERM' && code !== 0) throw new Error(`relay exited ${code} on SIGTERM:\n${this.relay.stderr}`);
    return this.startRelay();
  }

  // Index into mock.requests, to look at what one request caused: env.since(mark, '/v1/messages').
  mark() {
    return this.mock.requests.length;
  }

  since(mark, pathname = '/v1/messages') {
    return this.mock.requests.slice(mark).filter((r) => r.pathname === pathname);
  }

  // POST with the relay key (x-api-key unless headers carry another credential).
  post(urlPath, body, headers = {}) {
    const hasKey = Object.keys(headers).some((h) => ['x-api-key', 'authorization'].includes(h.toLowerCase()));
    return request(`${this.url}${urlPath}`, {
      method: 'POST', body, headers: { 'anthropic-version': '2023-06-01', ...(hasKey ? {} : { 'x-api-key': RELAY_KEY }), ...headers },
    });
  }

  // POST expecting an event stream: {res, events} with events parsed from the whole body.
  async stream(urlPath, body, headers = {}, onEvent) {
    const res = await fetch(`${this.url}${urlPath}`, {
      method: 'POST', signal: AbortSignal.timeout(15000),
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': RELAY_KEY, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const events = res.ok ? await readSse(res, onEvent) : [];
    const text = res.ok ? undefined : await res.text();
    return { res, events, text };
  }

  get(urlPath, headers = {}) {
    return request(`${this.url}${urlPath}`, { headers: { 'x-api-key': RELAY_KEY, ...headers } });
  }

  // A message request whose first user text is unique, so it starts its own sticky session
  // (content-hash key) unless a session header says otherwise. Returns {res, calls, body}.
  async message({ model = 'claude-sonnet-4-5', path: urlPath = '/v1/messages', headers = {}, text, stream, ...extra } = {}) {
    const body = {
      model, max_tokens: 64, ...(stream ? { stream: true } : {}),
      messages: [{ role: 'user', content: text || `request ${++this.seq} at ${process.hrtime.bigint()}` }], ...extra,
    };
    const mark = this.mark();
    const res = await this.post(urlPath, body, headers);
    return { res, calls: this.since(mark), body };
  }

  // provider -> {state: count} from GET /health, for the Claude provider.
  async claudeStates() {
    const res = await request(`${this.url}/health`);
    if (res.status !== 200 || !res.json || typeof res.json.accounts !== 'object') {
      throw new Error(`GET /health: ${res.status} ${res.text}`);
    }
    const entry = Object.entries(res.json.accounts).find(([provider]) => provider.startsWith('claude'));
    return entry ? entry[1] : {};
  }

  // {usable, total, states} of the Claude accounts as /health reports them.
  async claudeCounts() {
    const states = await this.claudeStates();
    let usable = 0;
    let total = 0;
    for (const [state, n] of Object.entries(states)) {
      if (typeof n !== 'number') continue;
      total += n;
      if (USABLE_STATE.test(state)) usable += n;
    }
    return { usable, total, states };
  }

  // `relay-server accounts --config FILE` on this env's config.
  accountsTable() {
    return runRelayCli(['accounts', '--config', this.relay.configFile]);
  }
}

// opts: {accounts: [specs], config: extra relay config (merged), mock: extra mock options,
//        relay: startRelay options, start: false to not start the relay yet}
async function startClaudeEnv(t, opts = {}) {
  const c = sharedCerts();
  const mock = await startMockUpstream({ tls: 'h2', cert: c.cert, key: c.key, strictAuth: true, ...(opts.mock || {}) });
  t.after(() => mock.close());
  const specs = opts.accounts || [oauth('claude-1')];
  for (const s of specs) {
    if (s.register === false) continue;
    if (s.kind === 'oauth') mock.oauth.addClaudeAccount(s.id, initialRefreshToken(s.id));
    else mock.oauth.addApiKey(s.id, apiKeyOf(s.id));
  }
  const extra = opts.config || {};
  const config = {
    api_keys: [RELAY_KEY],
    ...extra,
    server: { ...(extra.server || {}) },
    accounts: specs.map((s) => accountConfig(s, mock, c.caFile)),
  };
  const env = new ClaudeEnv(t, makeTempDir(t, 'relay-claude-'), mock, config);
  if (opts.start !== false) await env.startRelay(opts.relay);
  return env;
}

// For describe blocks: an object with after(fn) like a test context, and run() for the after hook.
function suiteScope() {
  const cleanups = [];
  return {
    t: { after: (fn) => cleanups.push(fn) },
    async run() {
      for (const fn of cleanups.reverse()) await fn();
    },
  };
}

// The row of `accountsTable()` output for one account id: {line, cells, byColumn}.
function tableRow(stdout, id) {
  const lines = stdout.split('\n').filter((l) => l.trim());
  const header = lines.find((l) => /\bid\b/i.test(l) && /\btype\b/i.test(l) && /\bpriority\b/i.test(l) && /\bstate\b/i.test(l));
  const wide = (l) => l.split(/\s*[|│]\s*|\t+|\s{2,}/).map((s) => s.trim()).filter(Boolean);
  // Columns separated by two or more spaces, tabs or bars; else by single spaces.
  const split = header && wide(header).length < 4 ? (l) => l.trim().split(/\s+/) : wide;
  const line = lines.find((l) => l !== header && split(l).includes(id));
  if (!line) return undefined;
  const cells = split(line);
  const byColumn = {};
  if (header) split(header).forEach((name, i) => (byColumn[name.toLowerCase()] = cells[i]));
  return { line, cells, byColumn, header };
}

// Anthropic's 429 for a weekly Opus limit on a subscription account. The real API also sends a
// retry-after of hours (PROTOCOLS.md C1.6); withRetryAfter adds it.
function opusWeeklyLimit({ resetInSeconds = 3600, withRetryAfter = false } = {}) {
  const headers = {
    'anthropic-ratelimit-unified-status': 'rejected',
    'anthropic-ratelimit-unified-representative-claim': 'seven_day_opus',
    'anthropic-ratelimit-unified-reset': String(Math.floor(Date.now() / 1000) + resetInSeconds),
  };
  if (withRetryAfter) headers['retry-after'] = String(resetInSeconds);
  return { status: 429, headers, message: 'You have reached your weekly Opus limit' };
}

module.exports = {
  RELAY_KEY, IDENTITY, OAUTH_BETA, CLAUDE_CODE_HEADERS, USABLE_STATE,
  startClaudeEnv, ClaudeEnv, oauth, api, initialRefreshToken, apiKeyOf, servedBy, tableRow, suiteScope, opusWeeklyLimit, sharedCerts,
};
