'use strict';
// Relay keys (four places a client may put one), errors in each client's format, and the small
// fixed routes (HEAD /, telemetry, unknown paths).
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const { makeTempDir, startRelay, request, assertAnthropicError, assertOpenAIError, assertGoogleError } = require('./lib');
const { rawExchange } = require('./lib/raw');

const KEY = 'k1-relay-test-key';
const MSG = { model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] };

// One relay for the whole file.
let relay;
let dir;
test.before(async () => {
  dir = makeTempDir(null);
  relay = await startRelay(null, dir, { api_keys: [KEY] });
});
test.after(async () => {
  if (relay) await relay.stop('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

const post = (path, headers = {}, body = MSG) => request(`${relay.url}${path}`, { method: 'POST', headers, body });

function assertNoAccount(res) {
  assertAnthropicError(res, 503);
  assert.match(res.json.error.message.toLowerCase(), /no available account/);
  assert.match(res.json.error.message.toLowerCase(), /claude/);
}

test('missing relay key: 401 authentication_error', async () => {
  assertAnthropicError(await post('/v1/messages'), 401, 'authentication_error');
});

test('wrong relay key: 401', async () => {
  assertAnthropicError(await post('/v1/messages', { 'x-api-key': 'nope' }), 401, 'authentication_error');
  assertAnthropicError(await post('/v1/messages', { authorization: 'Bearer nope' }), 401, 'authentication_error');
});

test('key accepted from x-api-key, Authorization: Bearer, x-goog-api-key and ?key=', async () => {
  assertNoAccount(await post('/v1/messages', { 'x-api-key': KEY }));
  assertNoAccount(await post('/v1/messages', { authorization: `Bearer ${KEY}` }));
  assertNoAccount(await post('/v1/messages', { 'x-goog-api-key': KEY }));
  assertNoAccount(await post(`/v1/messages?key=${KEY}`));
  assertNoAccount(await post('/v1/messages?beta=true', { 'x-api-key': KEY }));
});

test('whitespace after a key header value is not part of the key (RFC 9110 5.5)', async () => {
  const body = JSON.stringify(MSG);
  for (const header of [`x-api-key: ${KEY} `, `x-api-key: ${KEY}\t \t`, `Authorization: Bearer ${KEY}  `,
    `x-goog-api-key: ${KEY}\t`]) {
    const { text } = await rawExchange(relay.port, `POST /v1/messages HTTP/1.1\r\nHost: x\r\n${header}\r\n` +
      `content-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`);
    assert.match(text, /^HTTP\/1\.1 503 /, `${JSON.stringify(header)}: the key is accepted (no account then): ${text}`);
    assert.match(text.toLowerCase(), /no available account/);
  }
});

test('a request in absolute form (as to a proxy) is routed by its path (RFC 9112 3.2.2)', async () => {
  const body = JSON.stringify(MSG);
  for (const target of [`http://relay.example/v1/messages`, `HTTP://relay.example:80/v1/messages?beta=true`]) {
    const { text } = await rawExchange(relay.port, `POST ${target} HTTP/1.1\r\nHost: relay.example\r\nx-api-key: ${KEY}\r\n` +
      `content-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`);
    assert.match(text, /^HTTP\/1\.1 503 /, `${target}: routed to the messages route (no account there): ${text}`);
    assert.match(text.toLowerCase(), /no available account/);
  }
  const { text } = await rawExchange(relay.port, `GET http://relay.example HTTP/1.1\r\nHost: relay.example\r\nconnection: close\r\n\r\n`);
  assert.match(text, /^HTTP\/1\.1 [24]\d\d /, `the bare authority is the root path: ${text}`);
  assert.doesNotMatch(text, /no route for GET http/, text);
});

test('a Bearer-only model list refused for want of an account answers in the OpenAI shape', async () => {
  const res = await request(`${relay.url}/v1/models`, { headers: { authorization: `Bearer ${KEY}` } });
  assertOpenAIError(res, 503);
  assertAnthropicError(await request(`${relay.url}/v1/models`, { headers: { 'x-api-key': KEY } }), 503);
});

test('OpenAI routes answer in the OpenAI error shape', async () => {
  const body = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] };
  assertOpenAIError(await post('/openai/v1/chat/completions', {}, body), 401);
  const noAccount = await post('/openai/v1/chat/completions', { authorization: `Bearer ${KEY}` }, body);
  assertOpenAIError(noAccount, 503);
  assert.match(noAccount.json.error.message.toLowerCase(), /no available account/);
});

test('Gemini routes answer in the Google error shape', async () => {
  const body = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] };
  assertGoogleError(await post('/gemini/v1beta/models/x:generateContent', {}, body), 401);
  const noAccount = await post('/gemini/v1beta/models/x:generateContent', { 'x-goog-api-key': KEY }, body);
  assertGoogleError(noAccount, 503);
  assert.match(noAccount.json.error.message.toLowerCase(), /no available account/);
});

test('malformed JSON body: 400 invalid_request_error', async () => {
  assertAnthropicError(await post('/v1/messages', { 'x-api-key': KEY }, '{"model": "x", '), 400, 'invalid_request_error');
});

test('unknown path 404, HEAD / 200, telemetry batch 200', async () => {
  assert.equal((await request(`${relay.url}/definitely/not/here`, { headers: { 'x-api-key': KEY } })).status, 404);
  assert.equal((await request(`${relay.url}/`, { method: 'HEAD' })).status, 200);
  const batch = await post('/api/event_logging/batch', { 'x-api-key': KEY }, { events: [] });
  assert.equal(batch.status, 200);
});
