'use strict';
// Bodies built to crash a JSON parser: nesting beyond 128 levels and numbers that overflow
// RapidJSON 1.1.0's exponent arithmetic (CVE-2024-38517). Each gets a 400 in the client's
// format, and the relay keeps serving. Malformed JSON inside a member the relay never reads is
// the upstream's to refuse (or the translator's, for a translated body).
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

// The relay checks the grammar only of what it reads (the root object, its scalars, and the
// members a filter opens); a grammar error inside a member nobody reads (tools) is forwarded, and
// the upstream refuses it. Nesting and UTF-8 stay enforced by the relay over the whole body.
test('a grammar error inside an unread member: forwarded, the upstream\'s 400 reaches the client, no failover, no cooldown', async (t) => {
  const { api } = require('./lib/claude-env');
  const pairEnv = await startClaudeEnv(t, { accounts: [api('primary', { priority: 100 }), api('secondary', { priority: 50 })] });
  const send = (body) => pairEnv.post('/v1/messages', body, { 'content-type': 'application/json' });
  const head = '{"model":"claude-sonnet-4-5","max_tokens":8,"messages":[{"role":"user","content":"grammar"}],';

  const broken = `${head}"tools":[{"name":"a" "input_schema":{}}, tru]}`;
  let mark = pairEnv.mark();
  const res = await send(broken);
  assertAnthropicError(res, 400, 'invalid_request_error');
  assert.match(res.json.error.message, /not valid JSON/, 'the upstream\'s refusal, not the relay\'s');
  const calls = pairEnv.since(mark);
  assert.deepEqual(calls.map((c) => c.account), ['primary'], 'one attempt: a client error is not failed over');
  assert.equal(calls[0].body, broken, 'forwarded byte for byte');
  const after = await pairEnv.message({});
  assert.equal(after.res.status, 200, after.res.text);
  assert.deepEqual(after.calls.map((c) => c.account), ['primary'], 'the account was not cooled down');
  const counts = await pairEnv.claudeCounts();
  assert.equal(counts.usable, 2, JSON.stringify(counts.states));

  // Inside the same unread member, nesting beyond 128 and invalid UTF-8 are still the relay's 400.
  mark = pairEnv.mark();
  const deep = await send(`${head}"tools":[${'['.repeat(200)}${']'.repeat(200)}]}`);
  assertAnthropicError(deep, 400, 'invalid_request_error');
  assert.match(deep.json.error.message, /nesting deeper than 128/);
  const badUtf8 = await fetch(`${pairEnv.url}/v1/messages`, {
    method: 'POST',
    body: Buffer.concat([Buffer.from(`${head}"tools":[{"description":"`), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}]}')]),
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': RELAY_KEY },
  });
  assert.equal(badUtf8.status, 400);
  assert.match((await badUtf8.json()).error.message, /malformed JSON body: Invalid encoding/);
  assert.equal(pairEnv.since(mark).length, 0, 'nothing reached the upstream');

  // A member the relay reads (messages, for the session key) is still checked when read: it is
  // not used, and the upstream refuses the body.
  mark = pairEnv.mark();
  const unreadable = await send('{"model":"claude-sonnet-4-5","max_tokens":8,"messages":[{"role":"user" "content":"x"}]}');
  assertAnthropicError(unreadable, 400, 'invalid_request_error');
  assert.equal(pairEnv.since(mark).length, 1);
});

test('a grammar error inside an unread member of a body that is translated: the translator refuses it, 400 in OpenAI format', async () => {
  const mark = env.mark();
  const body = '{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function" "function":{}}]}';
  const res = await post('/openai/v1/chat/completions', body);
  assertOpenAIError(res, 400);
  assert.equal(env.since(mark).length, 0, 'nothing reached the upstream');
  await stillServes();
});
