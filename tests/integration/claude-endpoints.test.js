'use strict';
// The Claude endpoints end to end through a claude-oauth account: message paths (with and without
// ?beta=true), count_tokens, the Anthropic model list, HEAD / and telemetry, and SSE streaming.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startClaudeEnv, oauth, servedBy, suiteScope, RELAY_KEY } = require('./lib/claude-env');

describe('Claude endpoints (one claude-oauth account)', () => {
  const scope = suiteScope();
  let env;
  before(async () => {
    env = await startClaudeEnv(scope.t, { accounts: [oauth('claude-1')] });
  });
  after(() => scope.run());

  for (const path of ['/api/v1/messages', '/claude/v1/messages', '/v1/messages?beta=true', '/v1/messages']) {
    test(`POST ${path} is served by upstream POST /v1/messages`, async () => {
      const { res, calls, body } = await env.message({ path });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.type, 'message');
      assert.equal(res.json.role, 'assistant');
      assert.equal(res.json.content[0].text, `Mock reply to: ${body.messages[0].content}`);
      assert.equal(calls.length, 1, 'exactly one upstream request');
      assert.equal(calls[0].method, 'POST');
      assert.equal(calls[0].pathname, '/v1/messages');
      assert.equal(servedBy(calls), 'claude-1', 'authenticated upstream as the configured account');
    });
  }

  for (const path of ['/v1/messages/count_tokens?beta=true', '/api/v1/messages/count_tokens', '/claude/v1/messages/count_tokens']) {
    test(`POST ${path} is served by upstream count_tokens`, async () => {
      const mark = env.mark();
      const res = await env.post(path, { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'count these words' }] });
      assert.equal(res.status, 200, res.text);
      assert.equal(typeof res.json.input_tokens, 'number');
      assert.ok(res.json.input_tokens > 0);
      const calls = env.since(mark, '/v1/messages/count_tokens');
      assert.equal(calls.length, 1);
      assert.equal(calls[0].account, 'claude-1');
      assert.equal(env.since(mark, '/v1/messages').length, 0, 'count_tokens is not sent as a message');
    });
  }

  for (const path of ['/v1/models', '/api/v1/models']) {
    test(`GET ${path} answers an Anthropic model list`, async () => {
      const res = await env.get(path);
      assert.equal(res.status, 200, res.text);
      const { data, has_more, first_id, last_id } = res.json;
      assert.ok(Array.isArray(data) && data.length > 0, res.text);
      for (const m of data) {
        assert.equal(m.type, 'model', JSON.stringify(m));
        assert.match(m.id, /^claude/, 'Claude Code keeps only ids starting with claude');
        assert.equal(typeof m.display_name, 'string');
        assert.ok(!Number.isNaN(Date.parse(m.created_at)), `created_at is RFC 3339: ${m.created_at}`);
      }
      assert.equal(has_more, false);
      assert.equal(first_id, data[0].id);
      assert.equal(last_id, data[data.length - 1].id);
    });
  }

  test('HEAD / answers 200 (Claude Code connectivity probe)', async () => {
    const res = await fetch(`${env.url}/`, { method: 'HEAD', headers: { 'x-api-key': RELAY_KEY } });
    assert.equal(res.status, 200);
  });

  test('POST /api/event_logging/batch answers 200 and is never forwarded', async () => {
    const mark = env.mark();
    const res = await env.post('/api/event_logging/batch', { events: [{ event_type: 'ClaudeCodeInternalEvent', event_data: {} }] });
    assert.equal(res.status, 200, res.text);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(env.mock.requests.slice(mark).map((r) => r.path), [], 'the mock saw nothing');
  });

  test('stream: true relays every SSE event in order', async () => {
    const mark = env.mark();
    const text = 'stream through the relay please';
    const { res, events } = await env.stream('/v1/messages?beta=true', {
      model: 'claude-sonnet-4-5', max_tokens: 64, stream: true, messages: [{ role: 'user', content: text }],
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') || '', /^text\/event-stream/);
    const names = events.map((e) => e.event);
    assert.equal(names[0], 'message_start');
    assert.equal(names.at(-1), 'message_stop');
    assert.ok(names.includes('message_delta') && names.includes('content_block_stop'), names.join(','));
    for (const e of events) assert.equal(JSON.parse(e.data).type, e.event, 'data.type matches the event name');
    const deltas = events.filter((e) => e.event === 'content_block_delta').map((e) => JSON.parse(e.data).delta.text).join('');
    assert.equal(deltas, `Mock reply to: ${text}`);
    const calls = env.since(mark);
    assert.equal(calls.length, 1);
    assert.equal(calls[0].json.stream, true);
  });
});
