'use strict';
// Bodies built to crash a JSON parser: nesting beyond 128 levels and numbers that overflow
// RapidJSON 1.1.0's exponent arithmetic (CVE-2024-38517). Each gets a 400 in the client's
// format, and the relay keeps serving.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startClaudeEnv, oauth, suiteScope, RELAY_KEY } = require('./lib/claude-env');
const { request, assertAnthropicError, assertOpenAIError } = require('./lib');

const scope = suiteScope();
let env;
test.before(async () => {
  env = await startClaudeEnv(scope.t, { accounts: [oauth('hostile-1')] });
});
test.after(() => scope.run());

const post = (urlPath, body) =>
  request(`${env.url}${urlPath}`, {
    method: 'POST', body,
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': RELAY_KEY },
  });

async function stillServes() {
  const { res } = await env.message({ model: 'claude-sonnet-4-5' });
  assert.equal(res.status, 200, `a normal request after the hostile one: ${res.text}`);
}

test('200 KB of "[" to /v1/messages: 400 in Anthropic format, and the relay keeps serving', async () => {
  const mark = env.mark();
  const res = await post('/v1/messages', '['.repeat(200 * 1024));
  assertAnthropicError(res, 400, 'invalid_request_error');
  assert.match(res.json.error.message, /nesting deeper than 128/);
  assert.equal(env.since(mark).length, 0, 'nothing reached the upstream');
  await stillServes();
});

test('deep JSON inside a valid object to the OpenAI route: 400 in OpenAI format', async () => {
  const body = `{"model":"gpt-4o","messages":[{"role":"user","content":${'['.repeat(5000)}${']'.repeat(5000)}}]}`;
  const res = await post('/openai/v1/chat/completions', body);
  assertOpenAIError(res, 400);
  assert.match(res.json.error.message, /nesting deeper than 128/);
  await stillServes();
});

test('128 levels of nesting are still accepted', async () => {
  const body = `{"model":"claude-sonnet-4-5","max_tokens":8,"messages":[{"role":"user","content":"hi"}],"x":${'['.repeat(127)}${']'.repeat(127)}}`;
  const res = await post('/v1/messages', body);
  assert.equal(res.status, 200, res.text);
});

test('a huge negative exponent with a long fraction (CVE-2024-38517): 400, no crash', async () => {
  const mark = env.mark();
  const res = await post('/v1/messages', '{"model":"claude-sonnet-4-5","messages":[],"max_tokens":0.000000000001e-2147483639}');
  assertAnthropicError(res, 400);
  assert.match(res.json.error.message, /out of range/);
  assert.equal(env.since(mark).length, 0, 'nothing reached the upstream');
  const res2 = await post('/v1/messages', '{"model":"claude-sonnet-4-5","messages":[],"max_tokens":1e-99999999999999999999}');
  assertAnthropicError(res2, 400);
  await stillServes();
});

test('an account key holding CR/LF is never written into an upstream request', async (t) => {
  const { api } = require('./lib/claude-env');
  const bad = await startClaudeEnv(t, { accounts: [api('crlf-key', { api_key: 'sk-ant-api03-x\r\nx-injected: 1', register: false })] });
  const mark = bad.mark();
  const { res } = await bad.message({ model: 'claude-sonnet-4-5' });
  assert.ok(res.status >= 500, `refused by the relay: ${res.status} ${res.text}`);
  assert.equal(res.json && res.json.type, 'error', res.text);
  assert.equal(bad.mock.requests.slice(mark).length, 0, 'nothing reached the upstream');
  await bad.relay.waitForStderr(/CR, LF or NUL/);
});

test('invalid UTF-8 in a JSON body: 400 in the client\'s format', async () => {
  const body = Buffer.concat([Buffer.from('{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}]}')]);
  const res = await fetch(`${env.url}/v1/messages`, {
    method: 'POST', body,
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': RELAY_KEY },
  });
  const json = await res.json();
  assert.equal(res.status, 400);
  assert.equal(json.type, 'error');
  assert.match(json.error.message, /malformed JSON body: Invalid encoding/);
  await stillServes();
});

test('a client that pipelines thousands of requests without reading does not stall others', async () => {
  const net = require('net');
  const sock = net.connect(env.relay.port, '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  sock.pause(); // never reads
  const one = 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n';
  sock.write(one.repeat(50000)); // ~1.6 MB of requests
  for (let i = 0; i < 5; i++) {
    const started = Date.now();
    const res = await fetch(`${env.url}/health`);
    assert.equal(res.status, 200);
    assert.ok(Date.now() - started < 2000, 'answered promptly');
  }
  await stillServes();
  sock.destroy();
});
