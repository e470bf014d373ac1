'use strict';
// The chain owns the exchange: filter order from YAML is what runs (and a forbidden order stops
// start-up with its line), a pass-through answer keeps its Content-Length, and a retry after a
// failed attempt starts from the client's original body even when a translate filter rewrote
// it (tests/fixtures/test_translator, "gemini>anthropic").
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { startClaudeEnv, api } = require('./lib/claude-env');
const { startRelay } = require('./lib/relay');
const { makeTempDir } = require('./lib/tmpdir');

const RELAY_BIN = process.env.RELAY_BIN || path.resolve(__dirname, '../../build/relay-server');
const FIXTURE = path.join(path.dirname(RELAY_BIN), 'tests/fixtures/test_translator/librelay_test_translator.so');
const accountsOf = (calls) => calls.map((c) => c.account);
const overloaded = { path: '/v1/messages', status: 529, json: { type: 'error', error: { type: 'overloaded_error', message: 'busy' } } };

function pair(t, config = {}) {
  return startClaudeEnv(t, { accounts: [api('primary', { priority: 100 }), api('secondary', { priority: 50 })], config });
}

test('a non-streaming pass-through answer keeps its Content-Length', async (t) => {
  const env = await pair(t);
  const { res } = await env.message();
  assert.equal(res.status, 200, res.text);
  assert.equal(res.headers.get('content-length'), String(Buffer.byteLength(res.text)));
  assert.equal(res.headers.get('transfer-encoding'), null);
  assert.equal(res.json.type, 'message');
});

test('a chain from YAML runs as written: without failover a 529 reaches the client', async (t) => {
  const env = await pair(t, {
    filter_chains: { anthropic: ['auth', 'route', 'sticky_session', 'account_select', 'upstream'] },
  });
  env.mock.enqueue(overloaded);
  const { res, calls } = await env.message();
  assert.equal(res.status, 529, res.text);
  assert.deepEqual(accountsOf(calls), ['primary'], 'no second attempt without a failover filter');
});

test('the default chain fails over: the same 529 is retried on the next account', async (t) => {
  const env = await pair(t);
  env.mock.enqueue(overloaded);
  const { res, calls } = await env.message();
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(accountsOf(calls), ['primary', 'secondary']);
});

for (const [what, filters, offender] of [
  ['failover before account_select', ['auth', 'route', 'failover', 'account_select', 'upstream'], 'failover'],
  ['translate before account_select', ['auth', 'translate', 'route', 'account_select', 'upstream'], 'translate'],
  ['a filter after upstream', ['auth', 'route', 'account_select', 'upstream', 'failover'], 'failover'],
]) {
  test(`a chain with ${what} is refused with its file and line`, async (t) => {
    const dir = makeTempDir(t);
    const err = await startRelay(t, dir, { filter_chains: { mine: filters } }).then(() => null, (e) => e);
    assert.ok(err, 'the relay must not start');
    const file = path.join(dir, 'relay.yaml');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const chainAt = lines.findIndex((l) => /^\s+mine:/.test(l));
    const line = lines.findIndex((l, i) => i > chainAt && l.trim() === `- "${offender}"`) + 1;
    assert.ok(line > 0);
    const index = filters.indexOf(offender);
    assert.match(err.message, new RegExp(`relay\\.yaml:${line}:\\d+: filter_chains\\.mine\\[${index}\\]: '${offender}'`));
  });
}

function fixtureEnv(t) {
  return pair(t, {
    plugins: [FIXTURE],
    filter_chains: { fixture: ['auth', 'route', 'account_select', 'translate', 'failover', 'upstream'] },
    routes: [{ path: '/fixture/v1/messages', methods: ['POST'], chain: 'fixture', format: 'gemini', providers: ['claude'] }],
  });
}

test('a retry starts from the original body even after translate rewrote it', async (t) => {
  const env = await fixtureEnv(t);
  env.mock.enqueue(overloaded);
  const mark = env.mark();
  const res = await env.post('/fixture/v1/messages', { model: 'claude-sonnet-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(res.status, 200, res.text);
  const calls = env.since(mark);
  assert.deepEqual(accountsOf(calls), ['primary', 'secondary']);
  for (const c of calls) {
    assert.equal(c.json.translated_by_fixture, true, 'the upstream gets the translated body');
    assert.equal(c.body.split('translated_by_fixture').length, 2, 'translated exactly once');
  }
  assert.equal(res.json.fixture_response.type, 'message', 'the answer went back through the translator');
  assert.equal(res.headers.get('content-length'), String(Buffer.byteLength(res.text)));
});

test('translate converts error bodies and streams', async (t) => {
  const env = await fixtureEnv(t);
  env.mock.enqueue({ path: '/v1/messages', status: 400, message: 'bad' });
  const bad = await env.post('/fixture/v1/messages', { model: 'claude-sonnet-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.fixture_error.error.message, 'bad');

  const { res, events } = await env.stream('/fixture/v1/messages', { model: 'claude-sonnet-4-5', max_tokens: 8, stream: true, messages: [{ role: 'user', content: 'x' }] });
  assert.equal(res.status, 200);
  assert.equal(events.at(-1).event, 'fixture_end', 'the stream went through the translator');
  assert.ok(events.some((e) => e.event === 'message_start'));
});

test('a translate pair no loaded plugin declares is a config error', async (t) => {
  const dir = makeTempDir(t);
  const err = await startRelay(t, dir, {
    filter_chains: { mine: ['auth', 'route', 'account_select', { translate: { from: 'gemini', to: 'openai-chat' } }, 'upstream'] },
  }).then(() => null, (e) => e);
  assert.ok(err);
  assert.match(err.message, /relay\.yaml:\d+:\d+: filter_chains\.mine\[3\] \(translate\): no loaded plugin translates gemini>openai-chat/);
});

// The provider's usage tap only observes: the answer is untouched (above) and the usage is still
// read from every byte, streamed or whole. Read back from the database with the sqlite3 CLI.
const { spawnSync } = require('child_process');
const hasSqlite = spawnSync('sqlite3', ['-version']).status === 0;

test('usage is read from the observed bytes of streamed and whole answers', { skip: !hasSqlite && 'no sqlite3 CLI' }, async (t) => {
  const env = await pair(t, { usage: { request_log: true } });
  const { res, events } = await env.stream('/v1/messages', { model: 'claude-sonnet-4-5', max_tokens: 8, stream: true, messages: [{ role: 'user', content: 'count me' }] });
  assert.equal(res.status, 200);
  const start = events.find((e) => e.event === 'message_start');
  const delta = events.filter((e) => e.event === 'message_delta').at(-1);
  const whole = await env.message();
  assert.equal(whole.res.status, 200);
  await env.relay.stop('SIGTERM');
  const db = path.join(env.dir, 'relay.db');
  const rows = spawnSync('sqlite3', ['-json', db, 'select account_id, model, status, input_tokens, output_tokens from usage_records order by id'], { encoding: 'utf8' }).stdout;
  const usage = JSON.parse(rows || '[]');
  assert.equal(usage.length, 2);
  // The model the answers name (here the one asked for) is recorded for both.
  assert.equal(JSON.parse(start.data).message.model, 'claude-sonnet-4-5');
  assert.equal(whole.res.json.model, usage[1].model);
  assert.equal(usage[1].model, 'claude-sonnet-4-5');
  assert.deepEqual(usage[0], {
    account_id: 'primary', model: 'claude-sonnet-4-5', status: 200,
    input_tokens: JSON.parse(start.data).message.usage.input_tokens,
    output_tokens: JSON.parse(delta.data).usage.output_tokens,
  });
  assert.equal(usage[1].input_tokens, whole.res.json.usage.input_tokens);
  assert.equal(usage[1].output_tokens, whole.res.json.usage.output_tokens);
  // The hour sums hold the same totals (written at the graceful stop).
  const sums = JSON.parse(spawnSync('sqlite3', ['-json', db, 'select account_id, requests, errors, input_tokens, output_tokens from usage_hourly'], { encoding: 'utf8' }).stdout || '[]');
  assert.deepEqual(sums, [{
    account_id: 'primary', requests: 2, errors: 0,
    input_tokens: usage[0].input_tokens + usage[1].input_tokens,
    output_tokens: usage[0].output_tokens + usage[1].output_tokens,
  }]);
});

test('without usage.request_log only the hour sums are written, and a graceful stop flushes them', { skip: !hasSqlite && 'no sqlite3 CLI' }, async (t) => {
  const env = await pair(t);
  for (let i = 0; i < 3; i++) assert.equal((await env.message()).res.status, 200);
  await env.relay.stop('SIGTERM');
  const db = path.join(env.dir, 'relay.db');
  const raw = spawnSync('sqlite3', [db, 'select count(*) from usage_records'], { encoding: 'utf8' }).stdout.trim();
  assert.equal(raw, '0');
  const sums = JSON.parse(spawnSync('sqlite3', ['-json', db, 'select hour, account_id, requests from usage_hourly'], { encoding: 'utf8' }).stdout || '[]');
  assert.equal(sums.length, 1);
  assert.equal(sums[0].account_id, 'primary');
  assert.equal(sums[0].requests, 3);
  assert.equal(sums[0].hour % 3600000, 0, 'bucketed by the hour');
  assert.ok(Math.abs(sums[0].hour - Date.now()) < 2 * 3600000);
});
