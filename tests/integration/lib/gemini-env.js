'use strict';
// Gemini fixture: a plain-HTTP mock upstream that knows every configured account (Google OAuth
// refresh tokens, AI Studio keys; strict auth) and a relay configured with those accounts.
//
//   const env = await startGeminiEnv(t, { accounts: [geminiOauth('o1'), geminiApi('k1')] });
//   const { res, calls } = await env.generate({ model: 'gemini-2.5-pro' });
const { startMockUpstream } = require('../../mock/upstream');
const { makeTempDir } = require('./tmpdir');
const { startRelay } = require('./relay');
const { request } = require('./http');

const RELAY_KEY = 'relay-gemini-key-7c2d';
const geminiOauth = (id, extra = {}) => ({ kind: 'oauth', id, ...extra });
const geminiApi = (id, extra = {}) => ({ kind: 'api', id, ...extra });
const refreshTokenOf = (id) => `1//mock-refresh-${id}`;
const apiKeyOf = (id) => `AIza-mock-${id}`;

function accountConfig(spec, mock) {
  const { kind, id, register, ...rest } = spec;
  const common = { id, priority: 50, api_url: mock.url };
  if (kind === 'oauth') return { type: 'gemini', ...common, refresh_token: refreshTokenOf(id), token_url: `${mock.url}/token`, ...rest };
  return { type: 'gemini-api', ...common, api_key: apiKeyOf(id), ...rest };
}

class GeminiEnv {
  constructor(t, dir, mock, config) {
    Object.assign(this, { t, dir, mock, config });
    this.seq = 0;
  }

  get url() {
    return this.relay.url;
  }

  async startRelay() {
    this.relay = await startRelay(this.t, this.dir, this.config);
    return this.relay;
  }

  async restart() {
    await this.relay.stop('SIGTERM');
    return this.startRelay();
  }

  mark() {
    return this.mock.requests.length;
  }

  since(mark, pathname) {
    return this.mock.requests.slice(mark).filter((r) => !pathname || r.pathname === pathname);
  }

  // The generate calls upstream (public API or Code Assist) since mark.
  generations(mark) {
    return this.mock.requests.slice(mark).filter((r) => /(generateContent|streamGenerateContent)$/.test(r.pathname));
  }

  post(urlPath, body, headers = {}) {
    return request(`${this.url}${urlPath}`, { method: 'POST', body, headers: { 'x-goog-api-key': RELAY_KEY, ...headers } });
  }

  get(urlPath) {
    return request(`${this.url}${urlPath}`, { headers: { 'x-goog-api-key': RELAY_KEY } });
  }

  // A generate call with a unique first text (its own sticky session). Returns {res, calls}.
  async generate({ model = 'gemini-2.5-pro', method = 'generateContent', query = '', version = 'v1beta', text } = {}) {
    const mark = this.mark();
    const body = { contents: [{ role: 'user', parts: [{ text: text || `hello ${++this.seq} ${Date.now()}` }] }] };
    const res = await this.post(`/gemini/${version}/models/${model}:${method}${query}`, body);
    return { res, calls: this.generations(mark) };
  }
}

// accounts: geminiOauth/geminiApi specs (register: false keeps an account unknown to the mock);
// start: false leaves the relay stopped (env.startRelay() later).
async function startGeminiEnv(t, { accounts = [], config = {}, start = true } = {}) {
  const mock = await startMockUpstream({ strictAuth: true });
  t.after(() => mock.close());
  for (const a of accounts) {
    if (a.register === false) continue;
    if (a.kind === 'oauth') mock.oauth.addGoogleAccount(a.id, refreshTokenOf(a.id));
    else mock.oauth.addApiKey(a.id, apiKeyOf(a.id));
  }
  const dir = makeTempDir(t, 'relay-gemini-');
  const full = { api_keys: [RELAY_KEY], ...config, accounts: accounts.map((a) => accountConfig(a, mock)) };
  const env = new GeminiEnv(t, dir, mock, full);
  if (start) await env.startRelay();
  return env;
}

const servedBy = (calls) => (calls.length ? calls[calls.length - 1].account : undefined);

module.exports = { startGeminiEnv, geminiOauth, geminiApi, apiKeyOf, refreshTokenOf, servedBy, RELAY_KEY };
