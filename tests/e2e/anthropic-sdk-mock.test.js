'use strict';
// The official @anthropic-ai/sdk against the mock upstream directly: proves the mock speaks the
// wire format the SDK expects, so relay tests built on the mock test against the real protocol.
const test = require('node:test');
const assert = require('node:assert/strict');
const Anthropic = require('@anthropic-ai/sdk').default;
const { startMockUpstream } = require('../mock/upstream');

const TOOLS = [{
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city'] },
}];

async function setup(t) {
  const mock = await startMockUpstream();
  t.after(() => mock.close());
  const client = new Anthropic({ apiKey: 'sk-ant-test-key', baseURL: mock.url, maxRetries: 0 });
  return { mock, client };
}

test('non-streaming message', async (t) => {
  const { mock, client } = await setup(t);
  const msg = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'Hi there' }] });
  assert.equal(msg.type, 'message');
  assert.equal(msg.role, 'assistant');
  assert.equal(msg.stop_reason, 'end_turn');
  assert.match(msg.content[0].text, /Hi there/);
  assert.ok(msg.usage.input_tokens > 0 && msg.usage.output_tokens > 0);
  const rec = mock.requests[0];
  // SDK 1.x sends even an apiKey as `Authorization: Bearer`; older ones used x-api-key.
  assert.ok(rec.headers['x-api-key'] === 'sk-ant-test-key' || rec.headers.authorization === 'Bearer sk-ant-test-key');
  assert.match(rec.headers['anthropic-version'], /^\d{4}-\d{2}-\d{2}$/); // SDK 1.14 sends 2026-10-21
  assert.equal(rec.credential, 'sk-ant-test-key');
});

test('streaming via messages.stream accumulates the same message', async (t) => {
  const { client } = await setup(t);
  const stream = client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'stream me' }] });
  let text = '';
  stream.on('text', (delta) => (text += delta));
  const final = await stream.finalMessage();
  assert.equal(text, final.content[0].text);
  assert.match(text, /stream me/);
  assert.equal(final.stop_reason, 'end_turn');
  assert.equal(final.usage.output_tokens > 1, true, 'message_delta usage is cumulative');
});

test('tool use round trip (streaming and not)', async (t) => {
  const { mock, client } = await setup(t);
  const messages = [{ role: 'user', content: 'What is the weather? use get_weather' }];
  const stream = client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 200, tools: TOOLS, messages });
  const first = await stream.finalMessage();
  assert.equal(first.stop_reason, 'tool_use');
  const call = first.content.find((b) => b.type === 'tool_use');
  assert.equal(call.name, 'get_weather');
  assert.deepEqual(call.input, { city: 'mock' }, 'input_json_delta pieces assemble into an object');

  const second = await client.messages.create({
    model: 'claude-sonnet-4-5', max_tokens: 200, tools: TOOLS,
    messages: [...messages, { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'sunny, 21C' }] }],
  });
  assert.equal(second.stop_reason, 'end_turn');
  assert.match(second.content[0].text, /sunny, 21C/);
  assert.equal(mock.requests[1].json.messages[2].content[0].tool_use_id, call.id);

  const forced = await client.messages.create({
    model: 'claude-sonnet-4-5', max_tokens: 200, tools: TOOLS, tool_choice: { type: 'tool', name: 'get_weather' },
    messages: [{ role: 'user', content: 'anything' }],
  });
  assert.equal(forced.content.at(-1).type, 'tool_use');
});

test('scripted errors surface as the SDK error classes', async (t) => {
  const { mock, client } = await setup(t);
  mock.enqueue({ path: '/v1/messages', status: 429, headers: { 'retry-after': '3' } });
  mock.enqueue({ path: '/v1/messages', status: 529 });
  const req = { model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] };
  await assert.rejects(client.messages.create(req), (e) => e instanceof Anthropic.RateLimitError && e.error.error.type === 'rate_limit_error');
  await assert.rejects(client.messages.create(req), (e) => e.status === 529 && e.error.error.type === 'overloaded_error');
});

test('count_tokens and models list', async (t) => {
  const { client } = await setup(t);
  const count = await client.messages.countTokens({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'count me' }] });
  assert.ok(count.input_tokens > 0);
  const ids = [];
  for await (const m of client.models.list()) ids.push(m.id);
  assert.ok(ids.includes('claude-sonnet-4-5'));
});

test('mid-stream error event is raised by the SDK', async (t) => {
  const { mock, client } = await setup(t);
  mock.enqueue({
    path: '/v1/messages',
    frames: [
      { event: 'message_start', data: { type: 'message_start', message: { id: 'msg_x', type: 'message', role: 'assistant', content: [], model: 'm', stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } } } },
      { event: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } },
    ],
  });
  const stream = client.messages.stream({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
  await assert.rejects(stream.finalMessage(), /Overloaded/);
});
