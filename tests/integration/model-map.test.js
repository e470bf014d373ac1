'use strict';
// model_map: the route's map, then the account's map, name the model in the body the upstream
// receives; the rest of the body is forwarded as the client wrote it. The client sees the
// upstream's answer as it is (the model that served).
const test = require('node:test');
const assert = require('node:assert/strict');
const { startClaudeEnv, api } = require('./lib/claude-env');

const CHAIN = (routeMap) => ['auth', { route: { model_map: routeMap } }, 'sticky_session', 'account_select', 'translate', 'failover', 'upstream'];

async function send(env, model) {
  const text = `map ${model} ${Date.now()}`;
  const mark = env.mark();
  const res = await env.post('/v1/messages', { model, max_tokens: 16, metadata: { note: 'kept' }, messages: [{ role: 'user', content: text }] });
  const calls = env.since(mark);
  return { res, call: calls.at(-1), text };
}

test("the route's model_map renames the model the upstream receives", async (t) => {
  const env = await startClaudeEnv(t, {
    accounts: [api('only')],
    config: { filter_chains: { anthropic: CHAIN({ 'house-default': 'claude-haiku-4-5' }) } },
  });
  const { res, call, text } = await send(env, 'house-default');
  assert.equal(res.status, 200, res.text);
  assert.equal(call.json.model, 'claude-haiku-4-5');
  assert.equal(call.json.messages[0].content, text, 'the rest of the body is untouched');
  assert.deepEqual(call.json.metadata, { note: 'kept' });
  assert.equal(res.json.model, 'claude-haiku-4-5', 'the client sees the model that served');

  const plain = await send(env, 'claude-sonnet-4-5');
  assert.equal(plain.call.json.model, 'claude-sonnet-4-5', 'unmapped models pass as they are');
});

test("the account's model_map applies after the route's", async (t) => {
  const env = await startClaudeEnv(t, {
    accounts: [api('only', { model_map: { 'claude-sonnet-4-5': 'claude-opus-4-5' } })],
    config: { filter_chains: { anthropic: CHAIN({ 'house-default': 'claude-sonnet-4-5' }) } },
  });
  const direct = await send(env, 'claude-sonnet-4-5');
  assert.equal(direct.res.status, 200, direct.res.text);
  assert.equal(direct.call.json.model, 'claude-opus-4-5', "the account's map");
  const chained = await send(env, 'house-default');
  assert.equal(chained.call.json.model, 'claude-opus-4-5', "route map, then the account's map");
  const other = await send(env, 'claude-haiku-4-5');
  assert.equal(other.call.json.model, 'claude-haiku-4-5');
});

// Usage is recorded under the model that served: the account's map target, not the model asked for.
const path = require('path');
const { spawnSync } = require('child_process');
const hasSqlite = spawnSync('sqlite3', ['-version']).status === 0;

test('usage records name the model that served, mapped or not', { skip: !hasSqlite && 'no sqlite3 CLI' }, async (t) => {
  const env = await startClaudeEnv(t, {
    accounts: [api('only', { model_map: { 'claude-sonnet-4-5': 'claude-opus-4-5' } })],
    config: { usage: { request_log: true } },
  });
  const mapped = await send(env, 'claude-sonnet-4-5');
  assert.equal(mapped.res.status, 200, mapped.res.text);
  assert.equal(mapped.res.json.model, 'claude-opus-4-5');
  const plain = await send(env, 'claude-haiku-4-5');
  assert.equal(plain.res.json.model, 'claude-haiku-4-5');
  await env.relay.stop('SIGTERM');
  const db = path.join(env.dir, 'relay.db');
  const rows = spawnSync('sqlite3', ['-json', db, 'select model from usage_records order by id'], { encoding: 'utf8' }).stdout;
  assert.deepEqual(JSON.parse(rows || '[]'), [{ model: 'claude-opus-4-5' }, { model: 'claude-haiku-4-5' }]);
});
