'use strict';
// What the relay sends upstream and hands back, per account type: anthropic-version/-beta
// forwarded (plus the OAuth beta on claude-oauth), the account's credential instead of the relay
// key, upstream request-id and rate-limit headers back to the client, the Claude Code identity
// system block for other clients on OAuth accounts, and Claude Code bodies byte for byte.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  startClaudeEnv, oauth, api, apiKeyOf, suiteScope, RELAY_KEY, IDENTITY, OAUTH_BETA, CLAUDE_CODE_HEADERS,
} = require('./lib/claude-env');

const CLIENT_BETAS = ['claude-code-20250219', 'interleaved-thinking-2025-05-14', 'context-management-2025-06-27'];
const betaList = (v) => String(v || '').split(',').map((s) => s.trim()).filter(Boolean);
const UPSTREAM_HEADERS = {
  'request-id': 'req_relaytest_0001',
  'anthropic-ratelimit-unified-status': 'allowed',
  'anthropic-ratelimit-unified-5h-status': 'allowed_warning',
  'anthropic-ratelimit-unified-5h-utilization': '0.91',
  'anthropic-ratelimit-requests-remaining': '42',
};

function assertRelayKeyNotForwarded(mock) {
  for (const r of mock.requests) {
    for (const [name, value] of Object.entries(r.headers)) {
      assert.ok(!String(value).includes(RELAY_KEY), `relay key leaked upstream in ${name} of ${r.path}`);
    }
    assert.ok(!r.body.includes(RELAY_KEY), `relay key leaked upstream in the body of ${r.path}`);
  }
}

async function assertUpstreamHeadersReturned(env, stream) {
  env.mock.enqueue({ path: '/v1/messages', headers: UPSTREAM_HEADERS });
  const body = { model: 'claude-sonnet-4-5', max_tokens: 32, messages: [{ role: 'user', content: `headers back ${stream}` }] };
  const { res } = stream ? await env.stream('/v1/messages', { ...body, stream: true }) : { res: await env.post('/v1/messages', body) };
  assert.equal(res.status, 200);
  for (const [name, value] of Object.entries(UPSTREAM_HEADERS)) assert.equal(res.headers.get(name), value, name);
}

describe('claude-oauth account', () => {
  const scope = suiteScope();
  let env;
  before(async () => {
    env = await startClaudeEnv(scope.t, { accounts: [oauth('oa-1')] });
  });
  after(() => scope.run());

  test('forwards anthropic-version and the client betas, adds oauth-2025-04-20, sends the OAuth bearer', async () => {
    const { res, calls } = await env.message({ headers: { 'anthropic-version': '2023-06-01', 'anthropic-beta': CLIENT_BETAS.join(',') } });
    assert.equal(res.status, 200, res.text);
    const h = calls[0].headers;
    assert.equal(h['anthropic-version'], '2023-06-01');
    const betas = betaList(h['anthropic-beta']);
    assert.deepEqual(betas.filter((b) => b !== OAUTH_BETA), CLIENT_BETAS, 'client betas unchanged and in order');
    assert.ok(betas.includes(OAUTH_BETA), `oauth beta added: ${h['anthropic-beta']}`);
    assert.match(h.authorization || '', /^Bearer sk-ant-oat01-mock-oa-1-/);
    assert.equal(h['x-api-key'], undefined, 'no x-api-key on an OAuth account');
    assert.equal(calls[0].account, 'oa-1');
  });

  test('without a client anthropic-beta the OAuth beta is still sent', async () => {
    const { res, calls } = await env.message();
    assert.equal(res.status, 200, res.text);
    assert.ok(betaList(calls[0].headers['anthropic-beta']).includes(OAUTH_BETA));
  });

  test('the relay key never reaches upstream (x-api-key or Authorization: Bearer)', async () => {
    assert.equal((await env.message({ headers: { 'x-api-key': RELAY_KEY } })).res.status, 200);
    assert.equal((await env.message({ headers: { authorization: `Bearer ${RELAY_KEY}` } })).res.status, 200);
    assertRelayKeyNotForwarded(env.mock);
  });

  test('upstream request-id and anthropic-ratelimit-* come back (JSON)', () => assertUpstreamHeadersReturned(env, false));
  test('upstream request-id and anthropic-ratelimit-* come back (SSE)', () => assertUpstreamHeadersReturned(env, true));

  test('a non-Claude-Code request gets the identity system block first (string system)', async () => {
    const { res, calls, body } = await env.message({ system: 'Answer briefly.', headers: { 'user-agent': 'my-tool/1.0' } });
    assert.equal(res.status, 200, res.text);
    const up = calls[0].json;
    assert.ok(Array.isArray(up.system), `system becomes blocks: ${JSON.stringify(up.system)}`);
    assert.deepEqual(up.system[0], { type: 'text', text: IDENTITY });
    assert.ok(up.system.slice(1).some((b) => b.type === 'text' && b.text === 'Answer briefly.'), 'the client system prompt follows');
    assert.deepEqual(up.messages, body.messages);
    assert.equal(up.model, body.model);
    assert.equal(up.max_tokens, body.max_tokens);
  });

  test('a non-Claude-Code request without system gets the identity block', async () => {
    const { res, calls } = await env.message({ headers: { 'user-agent': 'curl/8.0' } });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(calls[0].json.system, [{ type: 'text', text: IDENTITY }]);
  });

  test('a non-Claude-Code request with system blocks keeps them (cache_control too) after the identity', async () => {
    const block = { type: 'text', text: 'You review code.', cache_control: { type: 'ephemeral' } };
    const { res, calls } = await env.message({ system: [block] });
    assert.equal(res.status, 200, res.text);
    const sys = calls[0].json.system;
    assert.deepEqual(sys[0], { type: 'text', text: IDENTITY });
    assert.deepEqual(sys.slice(1), [block]);
  });

  test('a Claude Code request is forwarded byte-identical in body', async () => {
    // Compact JSON with an escape (\u00e9) and an unusual key order: re-serialising would show.
    const raw = '{"model":"claude-opus-4-5","messages":[{"role":"user","content":[{"type":"text","text":"caf\\u00e9 \\ud83d\\ude00 refactor"}]}],' +
      `"system":[{"type":"text","text":"x-anthropic-billing-header: cc_version=2.1.197; cc_entrypoint=cli;"},{"type":"text","text":${JSON.stringify(IDENTITY)},"cache_control":{"type":"ephemeral"}}],` +
      '"max_tokens":64000,"metadata":{"user_id":"{\\"device_id\\":\\"d1\\",\\"account_uuid\\":\\"\\",\\"session_id\\":\\"7c8d1e2f-0000-4000-8000-000000000001\\"}"},"stream":false}';
    const mark = env.mark();
    const res = await env.post('/v1/messages?beta=true', raw, {
      ...CLAUDE_CODE_HEADERS, 'anthropic-beta': CLIENT_BETAS.join(','),
      'x-claude-code-session-id': '7c8d1e2f-0000-4000-8000-000000000001', 'content-type': 'application/json',
    });
    assert.equal(res.status, 200, res.text);
    const calls = env.since(mark);
    assert.equal(calls.length, 1);
    assert.equal(calls[0].body, raw, 'upstream body is the client body, byte for byte');
    assert.deepEqual(betaList(calls[0].headers['anthropic-beta']).filter((b) => b !== OAUTH_BETA), CLIENT_BETAS);
  });
});

describe('claude-api account', () => {
  const scope = suiteScope();
  let env;
  before(async () => {
    env = await startClaudeEnv(scope.t, { accounts: [api('key-1')] });
  });
  after(() => scope.run());

  test('forwards anthropic-version and anthropic-beta unchanged, sends the account key as x-api-key', async () => {
    const beta = CLIENT_BETAS.join(',');
    const { res, calls } = await env.message({ headers: { authorization: `Bearer ${RELAY_KEY}`, 'anthropic-version': '2023-06-01', 'anthropic-beta': beta } });
    assert.equal(res.status, 200, res.text);
    const h = calls[0].headers;
    assert.equal(h['anthropic-version'], '2023-06-01');
    assert.deepEqual(betaList(h['anthropic-beta']), CLIENT_BETAS, 'no beta added or dropped');
    assert.equal(h['x-api-key'], apiKeyOf('key-1'));
    assert.equal(h.authorization, undefined, 'the client Authorization header is not forwarded');
    assert.equal(calls[0].account, 'key-1');
    assertRelayKeyNotForwarded(env.mock);
  });

  test('a non-Claude-Code request is forwarded without an identity block', async () => {
    const { res, calls, body } = await env.message({ system: 'Answer briefly.' });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(calls[0].json, body);
  });

  test('upstream request-id and anthropic-ratelimit-* come back (JSON)', () => assertUpstreamHeadersReturned(env, false));
  test('upstream request-id and anthropic-ratelimit-* come back (SSE)', () => assertUpstreamHeadersReturned(env, true));
});
