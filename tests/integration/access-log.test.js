'use strict';
// Access log on stderr: one line per request with method, path and status; never a secret.
const test = require('node:test');
const assert = require('node:assert/strict');
const { makeTempDir, startRelay, request } = require('./lib');

const SECRET = 'sk-relay-secret-7f3a9c1e';

test('one access-log line per request, with method, path and status, and no secret', async (t) => {
  const relay = await startRelay(t, makeTempDir(t), { api_keys: [SECRET] });
  const body = { model: 'claude-sonnet-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] };
  await request(`${relay.url}/no-such-path-a1`, { headers: { 'x-api-key': SECRET } });
  await request(`${relay.url}/v1/messages`, { method: 'POST', headers: { authorization: `Bearer ${SECRET}` }, body });
  await request(`${relay.url}/v1/messages?key=${SECRET}`, { method: 'POST', body });
  await request(`${relay.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': 'wrong-key' }, body });
  await relay.waitForStderr(/no-such-path-a1.*404|404.*no-such-path-a1/);
  await relay.waitForStderr(/(POST.*\/v1\/messages.*401)|(401.*POST.*\/v1\/messages)/);
  assert.equal(await relay.stop('SIGTERM'), 0);
  const lines = relay.stderr.split('\n');
  const unknown = lines.filter((l) => l.includes('/no-such-path-a1'));
  assert.equal(unknown.length, 1, `exactly one line for the request:\n${relay.stderr}`);
  assert.match(unknown[0], /GET/);
  assert.match(unknown[0], /\b404\b/);
  const messages = lines.filter((l) => /POST/.test(l) && l.includes('/v1/messages'));
  assert.ok(messages.length >= 3, `a line per POST:\n${relay.stderr}`);
  assert.ok(messages.some((l) => /\b503\b/.test(l)));
  assert.ok(!relay.stderr.includes(SECRET), 'the relay key never appears in stderr');
});
