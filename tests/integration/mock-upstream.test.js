'use strict';
// Checks the mock upstream itself (no relay needed): transports, OAuth rotation, scripting.
const test = require('node:test');
const assert = require('node:assert/strict');
const http2 = require('http2');
const https = require('https');
const { spawn } = require('child_process');
const path = require('path');
const { startMockUpstream } = require('../mock/upstream');
const { makeTempDir, makeCerts, request, readSse } = require('./lib');

async function withMock(t, opts) {
  const mock = await startMockUpstream(opts);
  t.after(() => mock.close());
  return mock;
}

const MSG = { model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'hello' }] };

test('Claude OAuth refresh tokens rotate and are single-use', async (t) => {
  const mock = await withMock(t);
  mock.oauth.addClaudeAccount('acct1', 'rt-initial');
  const refresh = (rt, clientId = '9d1c250a-e61b-44d9-88ed-5944d1962f5e') => request(`${mock.url}/v1/oauth/token`, {
    method: 'POST', body: { grant_type: 'refresh_token', refresh_token: rt, client_id: clientId },
  });
  const first = await refresh('rt-initial');
  assert.equal(first.status, 200);
  assert.match(first.json.access_token, /^sk-ant-oat01-/);
  assert.notEqual(first.json.refresh_token, 'rt-initial');
  assert.equal(first.json.expires_in, 28800);
  const reused = await refresh('rt-initial');
  assert.equal(reused.status, 400);
  assert.equal(reused.json.error, 'invalid_grant');
  assert.equal((await refresh(first.json.refresh_token)).status, 200);
  assert.equal((await refresh('x', 'wrong-client')).status, 400);
  assert.equal(mock.refreshCount('acct1'), 2);
  assert.equal(mock.oauth.accountOf(first.json.access_token), 'acct1');
});

test('Google token endpoint is form-encoded and does not rotate', async (t) => {
  const mock = await withMock(t);
  mock.oauth.addGoogleAccount('g1', 'g-rt');
  const form = 'grant_type=refresh_token&refresh_token=g-rt&client_id=cid&client_secret=sec';
  const opts = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form };
  const a = await request(`${mock.url}/token`, opts);
  const b = await request(`${mock.url}/token`, opts);
  assert.equal(a.status, 200);
  assert.equal(b.status, 200);
  assert.equal(a.json.refresh_token, undefined);
  assert.equal(a.json.expires_in, 3599);
  assert.equal(mock.refreshCount('g1'), 2);
});

test('strict auth rejects unknown credentials in the provider format', async (t) => {
  const mock = await withMock(t, { strictAuth: true });
  mock.oauth.addApiKey('k', 'good-key');
  const bad = await request(`${mock.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': 'nope' }, body: MSG });
  assert.equal(bad.status, 401);
  assert.equal(bad.json.error.type, 'authentication_error');
  const good = await request(`${mock.url}/v1/messages?beta=true`, { method: 'POST', headers: { 'x-api-key': 'good-key' }, body: MSG });
  assert.equal(good.status, 200);
  const g = await request(`${mock.url}/v1beta/models/gemini-2.5-pro:generateContent?key=nope`, { method: 'POST', body: { contents: [] } });
  assert.equal(g.json.error.status, 'UNAUTHENTICATED');
  assert.equal(mock.requests[1].account, 'k');
  assert.equal(mock.requests[2].credential, 'nope');
});

test('scripts: per-credential errors, custom bodies, repeat', async (t) => {
  const mock = await withMock(t);
  mock.enqueue({ credential: 'a', status: 429, headers: { 'retry-after': '7' } });
  mock.enqueue({ path: '/v1/messages', status: 200, body: { custom: true } });
  const h = (k) => ({ method: 'POST', headers: { 'x-api-key': k }, body: MSG });
  const b = await request(`${mock.url}/v1/messages`, h('b'));
  assert.deepEqual(b.json, { custom: true });
  const a = await request(`${mock.url}/v1/messages`, h('a'));
  assert.equal(a.status, 429);
  assert.equal(a.headers.get('retry-after'), '7');
  assert.equal(a.json.error.type, 'rate_limit_error');
  assert.equal((await request(`${mock.url}/v1/messages`, h('a'))).status, 200);
});

test('slow streaming, dying mid-stream and hanging', async (t) => {
  const mock = await withMock(t);
  mock.enqueue({ path: '/v1/messages', delayMs: 30 });
  const started = Date.now();
  const res = await fetch(`${mock.url}/v1/messages`, { method: 'POST', body: JSON.stringify({ ...MSG, stream: true }) });
  const events = await readSse(res);
  assert.ok(Date.now() - started >= 30 * (events.length - 1) - 5);
  assert.equal(events.at(-1).event, 'message_stop');

  mock.enqueue({ path: '/v1/messages', dieAfterEvents: 2 });
  const cut = await fetch(`${mock.url}/v1/messages`, { method: 'POST', body: JSON.stringify({ ...MSG, stream: true }) });
  await assert.rejects(readSse(cut));

  mock.enqueue({ path: '/v1/messages', hang: true });
  await assert.rejects(fetch(`${mock.url}/v1/messages`, { method: 'POST', body: JSON.stringify(MSG), signal: AbortSignal.timeout(300) }));
});

test('control API over HTTP from a standalone process', async (t) => {
  const child = spawn(process.execPath, [path.join(__dirname, '../mock/upstream.js'), '--port', '0']);
  t.after(() => child.kill());
  const { url } = await new Promise((resolve) => child.stdout.once('data', (d) => resolve(JSON.parse(d))));
  await request(`${url}/__mock/accounts`, { method: 'POST', body: { provider: 'claude', account: 'c', refresh_token: 'r0' } });
  await request(`${url}/__mock/scripts`, { method: 'POST', body: [{ path: '/v1/models', status: 503 }] });
  assert.equal((await request(`${url}/v1/models`)).status, 503);
  assert.equal((await request(`${url}/v1/models`)).json.data[0].type, 'model');
  await request(`${url}/v1/oauth/token`, { method: 'POST', body: { grant_type: 'refresh_token', refresh_token: 'r0', client_id: '9d1c250a-e61b-44d9-88ed-5944d1962f5e' } });
  assert.deepEqual((await request(`${url}/__mock/refreshes`)).json, { counts: { c: 1 }, rejected: 0 });
  const recorded = (await request(`${url}/__mock/requests?path=/v1/models`)).json.requests;
  assert.equal(recorded.length, 2);
});

test('HTTPS with HTTP/2 via ALPN, and HTTP/1.1-only TLS', async (t) => {
  const certs = makeCerts(makeTempDir(t));
  const h2mock = await withMock(t, { tls: 'h2', cert: certs.cert, key: certs.key });
  const client = http2.connect(h2mock.url, { ca: certs.ca });
  t.after(() => client.close());
  const body = await new Promise((resolve, reject) => {
    const req = client.request({ ':method': 'GET', ':path': '/v1/models', 'x-api-key': 'k2' });
    let data = '';
    req.on('data', (d) => (data += d));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
  assert.equal(JSON.parse(body).data.length, 3);
  assert.equal(h2mock.requests[0].httpVersion, '2.0');
  assert.equal(h2mock.requests[0].credential, 'k2');

  const h1mock = await withMock(t, { tls: 'h1', cert: certs.cert, key: certs.key });
  const proto = await new Promise((resolve, reject) => {
    const req = https.request(`${h1mock.url}/v1/models`, { ca: certs.ca, ALPNProtocols: ['h2', 'http/1.1'] }, (res) => {
      const alpn = res.socket.alpnProtocol;
      res.resume();
      res.on('end', () => resolve(alpn));
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(proto, 'http/1.1');
});

test('Gemini: generateContent, SSE framing with CRLF, JSON array without alt=sse, function calls', async (t) => {
  const mock = await withMock(t);
  const req = {
    contents: [{ role: 'user', parts: [{ text: 'please call get_time' }] }],
    tools: [{ functionDeclarations: [{ name: 'get_time', parameters: { type: 'OBJECT', properties: { tz: { type: 'STRING' } } } }] }],
  };
  const one = await request(`${mock.url}/v1beta/models/gemini-2.5-pro:generateContent`, { method: 'POST', body: req });
  assert.deepEqual(one.json.candidates[0].content.parts[1], { functionCall: { name: 'get_time', args: { tz: 'mock' } } });
  const sse = await request(`${mock.url}/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse`, { method: 'POST', body: req });
  const frames = sse.text.split('\r\n\r\n').filter(Boolean);
  assert.ok(frames.length >= 2);
  const last = JSON.parse(frames.at(-1).slice('data: '.length));
  assert.equal(last.candidates[0].finishReason, 'STOP');
  const arr = await request(`${mock.url}/v1beta/models/gemini-2.5-pro:streamGenerateContent`, { method: 'POST', body: req });
  assert.ok(Array.isArray(arr.json));
  const ca = await request(`${mock.url}/v1internal:generateContent`, { method: 'POST', body: { model: 'gemini-2.5-pro', project: 'p', request: req } });
  assert.equal(ca.json.response.candidates[0].finishReason, 'STOP');
});
