#!/usr/bin/env node
'use strict';
// Mock of the upstream AI APIs (Anthropic, Claude OAuth, Gemini, Google OAuth) for relay tests.
// In-process: `const { startMockUpstream } = require('./upstream'); const mock = await startMockUpstream()`.
// Standalone: `node tests/mock/upstream.js --port 0 [--tls h2|h1 --cert F --key F] [--strict-auth]`
// prints {"port":N,"url":"..."} on stdout and is scripted through /__mock/ (see control.js).

const crypto = require('crypto');
const EventEmitter = require('events');
const fs = require('fs');
const http = require('http');
const http2 = require('http2');
const https = require('https');
const { readBody, parseJson, credentialOf, plainHeaders, sendJson } = require('./http-util');
const { handleAnthropic, anthropicError } = require('./anthropic');
const { handleGemini, googleError } = require('./gemini');
const { OAuthState, handleOAuth } = require('./oauth');
const { CodeAssistState, handleCodeAssist } = require('./code-assist');
const { ScriptQueue, applyScript, play } = require('./script');
const { handleControl } = require('./control');

const ANTHROPIC_ERROR_TYPES = {
  400: 'invalid_request_error', 401: 'authentication_error', 402: 'billing_error', 403: 'permission_error',
  404: 'not_found_error', 413: 'request_too_large', 429: 'rate_limit_error', 500: 'api_error',
  504: 'timeout_error', 529: 'overloaded_error',
};
const GOOGLE_STATUS = {
  400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE', 504: 'DEADLINE_EXCEEDED',
};

const isGeminiPath = (p) => p.startsWith('/v1beta/') || p.startsWith('/v1internal') || /^\/v1\/models\/[^/]+:/.test(p);

// An error body in the format of the API the path belongs to.
function providerError(pathname, status, message) {
  if (isGeminiPath(pathname)) return googleError(status, GOOGLE_STATUS[status] || 'UNKNOWN', message);
  return anthropicError(status, ANTHROPIC_ERROR_TYPES[status] || (status >= 500 ? 'api_error' : 'invalid_request_error'), message);
}

class MockUpstream extends EventEmitter {
  // opts: {port=0, host='127.0.0.1', tls: undefined|'h2'|'h1', cert, key (PEM), strictAuth,
  //        ticketKeys (48 bytes: mocks that share them accept each other's session tickets),
  //        refuseResumption (new ticket keys before every handshake: no session resumes),
  //        tlsOptions (more node TLS server options, e.g. {maxVersion: 'TLSv1.2'})}
  constructor(opts = {}) {
    super();
    this.opts = opts;
    this.oauth = new OAuthState();
    this.codeAssist = new CodeAssistState();
    this.scripts = new ScriptQueue();
    this.requests = [];
    this.sockets = new Set();
    this.tlsConnections = []; // {reused, servername, protocol} per TLS handshake, in order
    this.strictAuth = !!opts.strictAuth;
  }

  async start() {
    const handler = (req, res) => this.handle(req, res).catch((err) => {
      if (!res.headersSent) sendJson(res, 500, { error: String(err && err.stack) });
    });
    const { tls, cert, key } = this.opts;
    const extra = this.opts.tlsOptions || {};
    if (tls === 'h2') this.server = http2.createSecureServer({ cert, key, allowHTTP1: true, ...extra }, handler);
    else if (tls === 'h1') this.server = https.createServer({ cert, key, ALPNProtocols: ['http/1.1'], ...extra }, handler);
    else this.server = http.createServer(handler);
    if (tls && this.opts.ticketKeys) this.server.setTicketKeys(this.opts.ticketKeys);
    if (tls && this.opts.refuseResumption) {
      this.server.on('connection', () => this.server.setTicketKeys(crypto.randomBytes(48)));
    }
    this.server.on(tls ? 'secureConnection' : 'connection', (s) => {
      if (tls) {
        this.tlsConnections.push({ reused: s.isSessionReused(), servername: s.servername, protocol: s.getProtocol() });
      }
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server.on('session', (session) => { // HTTP/2 sessions
      this.sockets.add(session);
      session.on('close', () => this.sockets.delete(session));
    });
    await new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port || 0, this.opts.host || '127.0.0.1', resolve);
    });
    this.port = this.server.address().port;
    this.url = `${tls ? 'https' : 'http'}://127.0.0.1:${this.port}`;
    return this;
  }

  async close() {
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => this.server.close(() => resolve()));
  }

  // Closes every connection (TLS sockets and HTTP/2 sessions): the next request needs a new one.
  dropConnections() {
    for (const s of this.sockets) s.destroy();
  }

  configure(settings) {
    if (settings.strictAuth !== undefined) this.strictAuth = !!settings.strictAuth;
    if (settings.claudeExpiresIn !== undefined) this.oauth.claudeExpiresIn = settings.claudeExpiresIn;
    if (settings.googleExpiresIn !== undefined) this.oauth.googleExpiresIn = settings.googleExpiresIn;
  }

  reset() {
    this.requests = [];
    this.scripts.clear();
    this.oauth.reset();
    this.codeAssist.reset();
  }

  enqueue(script) {
    this.scripts.enqueue(script);
  }

  requestsTo(pathPrefix) {
    return pathPrefix ? this.requests.filter((r) => r.pathname.startsWith(pathPrefix)) : this.requests.slice();
  }

  refreshCount(account) {
    return this.oauth.refreshCounts.get(account) || 0;
  }

  // Resolves with the first recorded request (past or future) matching `predicate`.
  waitForRequest(predicate, timeoutMs = 5000) {
    const found = this.requests.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('request', onRequest);
        reject(new Error('mock upstream: no matching request within ' + timeoutMs + ' ms'));
      }, timeoutMs);
      const onRequest = (r) => {
        if (!predicate(r)) return;
        clearTimeout(timer);
        this.off('request', onRequest);
        resolve(r);
      };
      this.on('request', onRequest);
    });
  }

  async handle(req, res) {
    const url = new URL(req.url, 'http://mock.invalid');
    const raw = await readBody(req);
    if (url.pathname.startsWith('/__mock/')) return handleControl(this, req.method, url, raw, res);
    const headers = plainHeaders(req.headers);
    const credential = credentialOf(headers, url);
    const text = raw.toString('utf8');
    const json = parseJson(text);
    const record = {
      seq: this.requests.length + 1, time: Date.now(), method: req.method, path: req.url, pathname: url.pathname,
      query: Object.fromEntries(url.searchParams), headers, body: text, json, httpVersion: req.httpVersion,
      credential, account: this.oauth.accountOf(credential),
    };
    this.requests.push(record);
    this.emit('request', record);
    const script = this.scripts.take(req.method, url.pathname, credential);
    const plan = applyScript(this.route(req.method, url, headers, raw, json, script, record), script);
    await play(res, plan, script || {});
  }

  route(method, url, headers, raw, json, script, record) {
    const p = url.pathname;
    const oauth = handleOAuth(this.oauth, method, p, headers, raw, json, url.searchParams);
    if (oauth) return oauth;
    if (script && script.status >= 400 && script.body === undefined && script.frames === undefined) {
      return providerError(p, script.status, script.message || `scripted ${script.status}`);
    }
    if (this.strictAuth && record.account === undefined) return providerError(p, 401, 'invalid x-api-key or bearer token');
    const opts = { text: script && script.text };
    const codeAssist = handleCodeAssist(this.codeAssist, method, p, json, record.account);
    if (codeAssist) return codeAssist;
    // Code Assist generates for a project: without one (or another account's) it refuses.
    if (/^\/v1internal:(generate|streamGenerate)Content$/.test(p) && json && record.account !== undefined &&
        this.codeAssist.projects.get(record.account) !== json.project) {
      return googleError(403, 'PERMISSION_DENIED', `Permission denied on resource project ${json.project || '(none)'}.`);
    }
    return handleAnthropic(method, p, json, opts) || handleGemini(method, url, json, opts) ||
      providerError(p, 404, `mock upstream: no route for ${method} ${p}`);
  }
}

async function startMockUpstream(opts) {
  return new MockUpstream(opts).start();
}

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--port') opts.port = Number(argv[++i]);
    else if (a === '--host') opts.host = argv[++i];
    else if (a === '--tls') opts.tls = argv[++i];
    else if (a === '--cert') opts.cert = fs.readFileSync(argv[++i]);
    else if (a === '--key') opts.key = fs.readFileSync(argv[++i]);
    else if (a === '--strict-auth') opts.strictAuth = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (opts.tls && !(opts.cert && opts.key)) throw new Error('--tls needs --cert and --key');
  return opts;
}

if (require.main === module) {
  startMockUpstream(parseArgs(process.argv.slice(2))).then((mock) => {
    process.stdout.write(JSON.stringify({ port: mock.port, url: mock.url }) + '\n');
    const stop = () => mock.close().then(() => process.exit(0));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  }, (err) => {
    process.stderr.write(`mock upstream: ${err.message}\n`);
    process.exit(2);
  });
}

module.exports = { MockUpstream, startMockUpstream, providerError };
