'use strict';
// The "done when", with the real Claude Code CLI (pinned @anthropic-ai/claude-code) as the
// client: `claude -p` answers through the relay from a claude-oauth account whose token had to be
// refreshed, and when that account answers 429 with an Opus weekly limit, the next request is
// served by the second account without the user noticing. Upstream is the h2 TLS mock; the CLI
// runs offline (fresh HOME, non-essential traffic off, an egress trap as its proxy).
const test = require('node:test');
const assert = require('node:assert/strict');
const { startClaudeEnv, oauth, servedBy, opusWeeklyLimit, RELAY_KEY, OAUTH_BETA, IDENTITY } = require('../integration/lib/claude-env');
const { claudeBinary, runClaude, describeRun } = require('./lib/claude-cli');
const { startEgressTrap } = require('./lib/egress-trap');
const { buildMessage, streamFrames } = require('../mock/anthropic');

const PROMPT = 'Reply with one short greeting.';
// A scripted, streamed, text-only answer. (The mock's generated answer adds a tool_use when the last
// message names a tool, and Claude Code ends its request with a system message that names them all.)
const textAnswer = (text) => ({
  path: '/v1/messages',
  frames: streamFrames(buildMessage({ model: 'claude-opus-4-5', messages: [{ role: 'user', content: text }] }, { text })),
});
const betasOf = (call) => String(call.headers['anthropic-beta'] || '').split(',').map((s) => s.trim());

// No upstream request carried the relay key in any header or in the body.
function assertRelayKeyNeverUpstream(env) {
  for (const r of env.mock.requests) {
    const leaked = Object.entries(r.headers).filter(([, v]) => String(v).includes(RELAY_KEY)).map(([h]) => h);
    assert.deepEqual(leaked, [], `relay key sent upstream in ${r.method} ${r.path}`);
    assert.ok(!r.body.includes(RELAY_KEY), `relay key in the body of ${r.method} ${r.path}`);
  }
}

// What the CLI sent, as the mock saw it behind the relay, for an oauth account.
function assertClaudeCodeRequestForOauth(call, account) {
  assert.equal(call.account, account, `served by ${account}`);
  assert.match(call.credential, /^sk-ant-oat01-/, 'an OAuth access token, not the relay key');
  assert.equal(call.headers['x-api-key'], undefined, 'no x-api-key towards an oauth account');
  const betas = betasOf(call);
  assert.ok(betas.includes(OAUTH_BETA), `anthropic-beta has ${OAUTH_BETA}: ${betas}`);
  assert.ok(betas.includes('claude-code-20250219'), `the CLI's own betas are forwarded: ${betas}`);
  assert.match(call.headers['user-agent'] || '', /^claude-cli\//);
  assert.equal(call.json.stream, true, 'the CLI streams');
  // Claude Code's own request passes through as sent: its system blocks (billing header first, no
  // injected identity block) and its opaque metadata.user_id string.
  assert.match(call.json.system[0].text, /^x-anthropic-billing-header: cc_version=/);
  assert.ok(!call.json.system.some((b) => b.text === IDENTITY), 'no identity block added to a Claude Code request');
  assert.match(call.json.metadata.user_id, /"session_id":"[0-9a-f-]{36}"/);
}

async function runOffline(t, env, trap, opts) {
  const r = await runClaude(t, { baseUrl: opts.settings ? undefined : env.url, prompt: PROMPT, trap, ...opts });
  const first = env.mock.requests.find((q) => q.time >= r.startedAt && q.pathname === '/v1/messages');
  t.diagnostic(`claude -p took ${Math.round(r.ms)} ms; its request reached the upstream after ${first ? first.time - r.startedAt : '-'} ms`);
  assert.deepEqual(trap.attempts, [], `the CLI tried to leave the machine: ${trap.attempts}`);
  return r;
}

test('the pinned Claude Code CLI is installed and starts', (t) => {
  const { bin, version, versionMs } = claudeBinary();
  t.diagnostic(`${version} at ${bin}; --version took ${Math.round(versionMs)} ms`);
  assert.match(version, /^\d+\.\d+\.\d+ \(Claude Code\)$/);
});

// Guards the guard: with the environment the tests use, a request for a host that is not loopback
// reaches the trap (and fails there), so an empty trap below means the CLI stayed on the machine.
test('the egress trap catches what the CLI sends off the machine', async (t) => {
  const trap = await startEgressTrap(t);
  const r = await runClaude(t, { baseUrl: 'https://relay.example.test', apiKey: RELAY_KEY, prompt: PROMPT, trap, extra: { CLAUDE_CODE_MAX_RETRIES: '0' } });
  assert.notEqual(r.code, 0, describeRun(r));
  assert.deepEqual(trap.attempts, ['CONNECT relay.example.test:443']);
});

test('claude -p answers through a claude-oauth account that first has to refresh its token', async (t) => {
  const env = await startClaudeEnv(t, { accounts: [oauth('cc-oauth')] });
  const trap = await startEgressTrap(t);
  const answer = 'Hello from the mock, through the relay (claude-oauth).';
  env.mock.enqueue(textAnswer(answer));

  const r = await runOffline(t, env, trap, { apiKey: RELAY_KEY });
  assert.equal(r.code, 0, describeRun(r));
  assert.equal(r.stdout.trim(), answer, describeRun(r));

  assert.equal(env.mock.refreshCount('cc-oauth'), 1, 'exactly one refresh');
  const calls = env.since(0);
  assert.equal(calls.length, 1, `one /v1/messages upstream: ${calls.map((c) => c.path)}`);
  const [refresh] = env.since(0, '/v1/oauth/token');
  assert.ok(refresh.seq < calls[0].seq, 'the refresh came before the message');
  assertClaudeCodeRequestForOauth(calls[0], 'cc-oauth');
  assertRelayKeyNeverUpstream(env);
});

test('an Opus weekly limit on the first account: claude -p still answers, from the second account', async (t) => {
  const env = await startClaudeEnv(t, { accounts: [oauth('first', { priority: 100 }), oauth('second', { priority: 50 })] });
  const trap = await startEgressTrap(t);
  // The CLI's own retries off: a 429 that got through to it would fail the run instead of being
  // retried quietly, so an answer proves the relay failed over by itself.
  const noRetries = { CLAUDE_CODE_MAX_RETRIES: '0' };

  // 1. The refreshed first account serves a normal run (Bearer relay key this time).
  env.mock.enqueue(textAnswer('First answer.'));
  const first = await runOffline(t, env, trap, { authToken: RELAY_KEY, extra: noRetries });
  assert.equal(first.code, 0, describeRun(first));
  assert.equal(first.stdout.trim(), 'First answer.');
  const [served] = env.since(0);
  assertClaudeCodeRequestForOauth(served, 'first');
  assert.match(served.json.model, /opus/, 'the CLI asks for an Opus model by default');
  assert.equal(env.mock.refreshCount('first'), 1);

  // 2. The first account now answers 429 "weekly Opus limit"; the user still gets an answer.
  const answer = 'Second answer, from the second account.';
  env.mock.enqueue({ path: '/v1/messages', credential: served.credential, ...opusWeeklyLimit({ resetInSeconds: 6 * 86400 }) });
  env.mock.enqueue(textAnswer(answer));
  const mark = env.mark();
  const second = await runOffline(t, env, trap, { authToken: RELAY_KEY, extra: noRetries });
  assert.equal(second.code, 0, describeRun(second));
  assert.equal(second.stdout.trim(), answer, describeRun(second));
  assert.doesNotMatch(second.stderr, /429|rate.?limit|limit/i, 'nothing about the limit reaches the user');
  const calls = env.since(mark);
  assert.deepEqual(calls.map((c) => c.account), ['first', 'second'], 'the relay failed over within the one request');
  assert.equal(calls[0].credential, served.credential);
  assert.equal(calls[0].json.model, calls[1].json.model, 'same request replayed');
  assert.deepEqual(calls.map((c) => c.headers['x-stainless-retry-count']), ['0', '0'], 'one request from the CLI, no retry of its own');
  assert.equal(calls[0].headers['x-claude-code-session-id'], calls[1].headers['x-claude-code-session-id']);
  assertClaudeCodeRequestForOauth(calls[1], 'second');
  assert.equal(env.mock.refreshCount('second'), 1, 'the second account refreshed once, on demand');

  // 3. The next run goes straight to the second account: the first is limited for Opus.
  env.mock.enqueue(textAnswer('Third answer.'));
  const mark3 = env.mark();
  const third = await runOffline(t, env, trap, { apiKey: RELAY_KEY, extra: noRetries });
  assert.equal(third.code, 0, describeRun(third));
  assert.equal(third.stdout.trim(), 'Third answer.');
  assert.equal(servedBy(env.since(mark3)), 'second');
  assert.deepEqual(env.since(mark3).map((c) => c.account), ['second'], 'the limited account is not tried again');
  assertRelayKeyNeverUpstream(env);
});

test('the README recipe: relay origin and key in ~/.claude/settings.json instead of the shell', async (t) => {
  const env = await startClaudeEnv(t, { accounts: [oauth('cc-settings')] });
  const trap = await startEgressTrap(t);
  env.mock.enqueue(textAnswer('Configured by settings.json.'));
  const r = await runOffline(t, env, trap, { settings: { env: { ANTHROPIC_BASE_URL: env.url, ANTHROPIC_AUTH_TOKEN: RELAY_KEY } } });
  assert.equal(r.code, 0, describeRun(r));
  assert.equal(r.stdout.trim(), 'Configured by settings.json.');
  assert.equal(servedBy(env.since(0)), 'cc-settings');
  assertRelayKeyNeverUpstream(env);
});
