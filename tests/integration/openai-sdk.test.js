'use strict';
// OpenAI clients on Claude accounts: the official `openai` SDK through the relay (Chat
// Completions and Responses, translated by the openai plugin) to the Claude mock. Also the
// endpoints around them: /v1 aliases, model lists in both worlds, relay-local errors in OpenAI's
// shape, the translate filter's default_max_tokens, sticky sessions and model maps.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const OpenAI = require('openai').default;
const { startClaudeEnv, api, RELAY_KEY, suiteScope } = require('./lib/claude-env');
const { request, rawExchange, parseResponses } = require('./lib');

const MODEL = 'claude-sonnet-4-5';
const WEATHER_TOOL = {
  type: 'function',
  function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};
const frame = (event, data) => ({ event, data });

function client(env, base = '/openai/v1', key = RELAY_KEY) {
  return new OpenAI({ apiKey: key, baseURL: env.url + base, maxRetries: 0, timeout: 15000 });
}

describe('openai SDK through the relay onto a Claude account', () => {
  const scope = suiteScope();
  let env;
  before(async () => {
    env = await startClaudeEnv(scope.t, { accounts: [api('c1')] });
  });
  after(() => scope.run());

  test('chat: a whole completion, with the default output limit sent upstream', async () => {
    const mark = env.mark();
    const r = await client(env).chat.completions.create({ model: MODEL, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hello chat' }] });
    assert.equal(r.object, 'chat.completion');
    assert.equal(r.choices[0].message.role, 'assistant');
    assert.equal(r.choices[0].message.content, 'Mock reply to: hello chat');
    assert.equal(r.choices[0].finish_reason, 'stop');
    assert.ok(r.usage.prompt_tokens > 0 && r.usage.completion_tokens > 0);
    const [call] = env.since(mark);
    assert.equal(call.json.max_tokens, 8192, 'the translator default when the client sets none');
    assert.equal(call.json.system[0].text, 'Be brief.');
    assert.deepEqual(call.json.messages, [{ role: 'user', content: [{ type: 'text', text: 'hello chat' }] }].map((m) => ({ ...m, content: call.json.messages[0].content })));
  });

  test('chat: streaming with usage, also under /v1', async () => {
    const stream = await client(env, '/v1').chat.completions.create({ model: MODEL, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'stream me' }] });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    assert.equal(chunks[0].choices[0].delta.role, 'assistant');
    const text = chunks.map((c) => c.choices[0]?.delta?.content || '').join('');
    assert.equal(text, 'Mock reply to: stream me');
    assert.ok(chunks.length > 3, 'the answer arrives in several deltas');
    assert.equal(chunks.find((c) => c.choices[0]?.finish_reason).choices[0].finish_reason, 'stop');
    const last = chunks.at(-1);
    assert.deepEqual(last.choices, []);
    assert.ok(last.usage.total_tokens > 0);
  });

  test('chat: a streamed tool call parses in the SDK and its result goes back as a tool_result', async () => {
    const c = client(env);
    const messages = [{ role: 'user', content: 'What is the weather in Paris?' }];
    const runner = c.chat.completions.stream({ model: MODEL, messages, tools: [WEATHER_TOOL], tool_choice: { type: 'function', function: { name: 'get_weather' } } });
    const done = await runner.finalChatCompletion();
    const msg = done.choices[0].message;
    assert.equal(done.choices[0].finish_reason, 'tool_calls');
    assert.equal(msg.tool_calls.length, 1);
    const call = msg.tool_calls[0];
    assert.equal(call.function.name, 'get_weather');
    assert.equal(typeof JSON.parse(call.function.arguments).city, 'string');
    const mark = env.mark();
    const r = await c.chat.completions.create({
      model: MODEL, tools: [WEATHER_TOOL],
      messages: [...messages, msg, { role: 'tool', tool_call_id: call.id, content: 'sunny, 21C' }],
    });
    assert.equal(r.choices[0].finish_reason, 'stop');
    const sent = env.since(mark)[0].json;
    assert.equal(sent.messages[1].content.find((b) => b.type === 'tool_use').id, call.id);
    const result = sent.messages[2].content.find((b) => b.type === 'tool_result');
    assert.equal(result.tool_use_id, call.id);
    assert.match(JSON.stringify(result.content), /sunny, 21C/);
  });

  test('responses: whole, also under /openai/responses', async () => {
    const r = await client(env).responses.create({ model: MODEL, instructions: 'Be brief.', input: 'hello responses', max_output_tokens: 100 });
    assert.equal(r.object, 'response');
    assert.equal(r.status, 'completed');
    assert.equal(r.output_text, 'Mock reply to: hello responses');
    assert.ok(r.usage.input_tokens > 0 && r.usage.output_tokens > 0);
    const raw = await request(`${env.url}/openai/responses`, { method: 'POST', headers: { authorization: `Bearer ${RELAY_KEY}` }, body: { model: MODEL, input: 'short path' } });
    assert.equal(raw.status, 200, raw.text);
    assert.equal(raw.json.output[0].content[0].text, 'Mock reply to: short path');
  });

  test('responses: streaming events in order with sequence numbers', async () => {
    const stream = await client(env, '/v1').responses.create({ model: MODEL, input: 'stream responses', stream: true });
    const events = [];
    for await (const e of stream) events.push(e);
    const types = events.map((e) => e.type);
    assert.deepEqual(types.slice(0, 4), ['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
    assert.equal(types.at(-1), 'response.completed');
    assert.deepEqual(events.map((e) => e.sequence_number), events.map((_, i) => i));
    const text = events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta).join('');
    assert.equal(text, 'Mock reply to: stream responses');
    const completed = events.at(-1).response;
    assert.match(completed.id, /^resp_/);
    assert.ok(completed.usage.total_tokens > 0);
  });

  test('responses: a function call round trip matched by call_id', async () => {
    const c = client(env);
    const tools = [{ type: 'function', name: 'get_weather', description: 'Weather', parameters: WEATHER_TOOL.function.parameters, strict: false }];
    const stream = await c.responses.create({ model: MODEL, input: 'Weather in Oslo?', tools, tool_choice: { type: 'function', name: 'get_weather' }, stream: true });
    const events = [];
    for await (const e of stream) events.push(e);
    const item = events.find((e) => e.type === 'response.output_item.done' && e.item.type === 'function_call').item;
    assert.equal(item.name, 'get_weather');
    const args = events.filter((e) => e.type === 'response.function_call_arguments.delta').map((e) => e.delta).join('');
    assert.equal(args, item.arguments);
    assert.equal(typeof JSON.parse(item.arguments).city, 'string');
    const mark = env.mark();
    const r = await c.responses.create({
      model: MODEL, tools,
      input: [{ role: 'user', content: 'Weather in Oslo?' }, item, { type: 'function_call_output', call_id: item.call_id, output: 'snow, -3C' }],
    });
    assert.equal(r.status, 'completed');
    const sent = env.since(mark)[0].json;
    assert.equal(sent.messages[1].content.find((b) => b.type === 'tool_use').id, item.call_id);
    const result = sent.messages[2].content.find((b) => b.type === 'tool_result');
    assert.equal(result.tool_use_id, item.call_id);
    assert.match(JSON.stringify(result.content), /snow, -3C/);
  });

  test('an upstream error mid-stream ends the chat stream with an error the SDK raises', async () => {
    const start = { id: 'msg_mid', type: 'message', role: 'assistant', model: MODEL, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 5, output_tokens: 1 } };
    const frames = [
      frame('message_start', { type: 'message_start', message: start }),
      frame('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
      frame('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'partial ' } }),
      frame('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
    ];
    env.mock.enqueue({ path: '/v1/messages', frames });
    const stream = await client(env).chat.completions.create({ model: MODEL, stream: true, messages: [{ role: 'user', content: 'mid' }] });
    let text = '';
    await assert.rejects(async () => {
      for await (const c of stream) text += c.choices[0]?.delta?.content || '';
    }, /Overloaded/);
    assert.equal(text, 'partial ');

    // The SDK yields Responses events as they come: the stream ends with the typed error event
    // and response.failed (what Codex reads), never with response.completed.
    env.mock.enqueue({ path: '/v1/messages', frames });
    const rs = await client(env).responses.create({ model: MODEL, stream: true, input: 'mid responses' });
    const events = [];
    for await (const e of rs) events.push(e);
    const types = events.map((e) => e.type);
    assert.ok(types.includes('response.output_text.delta'));
    assert.deepEqual(types.slice(-2), ['error', 'response.failed']);
    assert.match(events.at(-1).response.error.message, /Overloaded/);
    assert.ok(!types.includes('response.completed'));
  });

  test('relay-local errors are in OpenAI shape: bad key 401', async () => {
    await assert.rejects(client(env, '/v1', 'wrong-key').chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }), (e) => {
      assert.equal(e.status, 401);
      assert.ok(e instanceof OpenAI.AuthenticationError);
      assert.equal(e.error.code, 'invalid_api_key');
      assert.equal(e.error.type, 'invalid_request_error', 'the type OpenAI gives a wrong key');
      return true;
    });
  });

  test('model lists: OpenAI shape on /openai/v1/models and for Bearer-only /v1/models; Anthropic shape otherwise; Codex shape with client_version', async () => {
    const list = await client(env).models.list();
    const ids = list.data.map((m) => m.id);
    assert.ok(ids.includes(MODEL), ids.join());
    assert.equal(list.data[0].object, 'model');
    const viaV1 = await client(env, '/v1').models.list();
    assert.deepEqual(viaV1.data.map((m) => m.id), ids);
    // The SDK's Bearer-only request gets OpenAI's shape, though the auth filter removed the key
    // header before the list was made.
    const bearerOnly = await request(`${env.url}/v1/models`, { headers: { authorization: `Bearer ${RELAY_KEY}` } });
    assert.equal(bearerOnly.json.object, 'list', bearerOnly.text);
    assert.equal(bearerOnly.json.data[0].object, 'model', bearerOnly.text);
    assert.equal(bearerOnly.json.has_more, undefined, bearerOnly.text);
    const bothKeys = await request(`${env.url}/v1/models`, { headers: { authorization: `Bearer ${RELAY_KEY}`, 'x-api-key': RELAY_KEY } });
    assert.equal(bothKeys.json.has_more, false, 'x-api-key keeps the Anthropic shape');
    const anthropic = await request(`${env.url}/v1/models`, { headers: { 'x-api-key': RELAY_KEY, 'anthropic-version': '2023-06-01' } });
    assert.equal(anthropic.json.data[0].type, 'model');
    assert.equal(anthropic.json.object, undefined);
    assert.equal(anthropic.json.has_more, false);
    const bearerWithVersion = await request(`${env.url}/v1/models`, { headers: { authorization: `Bearer ${RELAY_KEY}`, 'anthropic-version': '2023-06-01' } });
    assert.equal(bearerWithVersion.json.has_more, false, 'anthropic-version keeps the Anthropic shape');
    const codex = await request(`${env.url}/v1/models?client_version=0.169.0`, { headers: { authorization: `Bearer ${RELAY_KEY}` } });
    assert.equal(codex.status, 200);
    assert.ok(codex.json.models.some((m) => m.slug === MODEL));
    assert.ok(codex.json.models.every((m) => typeof m.display_name === 'string' && Array.isArray(m.supported_reasoning_levels)));
  });

  test('a wrong method on the /v1 OpenAI paths answers in OpenAI shape', async () => {
    for (const p of ['/v1/chat/completions', '/v1/responses', '/openai/responses']) {
      const res = await request(`${env.url}${p}`, { headers: { authorization: `Bearer ${RELAY_KEY}` } });
      assert.equal(res.status, 405, `${p}: ${res.text}`);
      assert.equal(typeof res.json.error.message, 'string', res.text);
      assert.equal(res.json.type, undefined, `not the Anthropic envelope: ${res.text}`);
    }
  });

  test('a WebSocket upgrade on the responses path is refused at once with 426', async () => {
    const port = new URL(env.url).port;
    const { text } = await rawExchange(port, `GET /v1/responses HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${RELAY_KEY}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
    const [res] = parseResponses(text);
    assert.equal(res.status, 426);
  });
});

// Without failover in the chain the upstream's own 429 reaches the client (translated), and
// the Retry-After with it; with failover a lone cooled-down account gives 503 (see below).
test('an upstream 429 reaches the SDK as a RateLimitError in OpenAI shape', async (t) => {
  const chain = ['auth', 'route', 'account_select', 'translate', 'upstream'];
  const env = await startClaudeEnv(t, { accounts: [api('c1')], config: { filter_chains: { openai_chat: chain, openai_responses: chain } } });
  for (const call of [
    (c) => c.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'limited' }] }),
    (c) => c.responses.create({ model: MODEL, input: 'limited', stream: true }),
  ]) {
    env.mock.enqueue({ path: '/v1/messages', status: 429, headers: { 'retry-after': '30' }, message: 'Number of requests has exceeded your rate limit' });
    await assert.rejects(call(client(env)), (e) => {
      assert.equal(e.status, 429);
      assert.ok(e instanceof OpenAI.RateLimitError, String(e));
      assert.equal(e.error.type, 'rate_limit_exceeded');
      assert.match(e.error.message, /exceeded your rate limit/);
      assert.equal(e.headers.get('retry-after'), '30');
      return true;
    });
  }
});

test('a 200 whose body is not a message: 502 in OpenAI shape on both OpenAI routes, not an error under 200', async (t) => {
  const env = await startClaudeEnv(t, { accounts: [api('c1')] });
  for (const [path, body] of [['/v1/chat/completions', { model: MODEL, messages: [{ role: 'user', content: 'x' }] }], ['/v1/responses', { model: MODEL, input: 'x' }]]) {
    for (const cut of ['{"id": "msg_1", "type": "mess', '']) {
      env.mock.enqueue({ path: '/v1/messages', status: 200, body: cut, headers: { 'content-type': 'application/json' } });
      const res = await request(`${env.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${RELAY_KEY}` }, body });
      assert.equal(res.status, 502, `${path}, upstream body ${JSON.stringify(cut)}: ${res.text}`);
      assert.equal(typeof res.json.error.message, 'string', res.text);
      assert.equal(res.json.type, undefined, `not the Anthropic envelope: ${res.text}`);
    }
  }
});

test('no usable account: 503 in OpenAI shape on both OpenAI routes', async (t) => {
  const env = await startClaudeEnv(t, { accounts: [api('off', { enabled: false })] });
  for (const [path, body] of [['/v1/chat/completions', { model: MODEL, messages: [{ role: 'user', content: 'x' }] }], ['/v1/responses', { model: MODEL, input: 'x' }]]) {
    const res = await request(`${env.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${RELAY_KEY}` }, body });
    assert.equal(res.status, 503, res.text);
    assert.equal(typeof res.json.error.message, 'string');
    assert.equal(res.json.type, undefined, 'not the Anthropic envelope');
  }
});

test('translate: {default_max_tokens} sets the output limit of translated requests', async (t) => {
  const chain = ['auth', 'route', 'sticky_session', 'account_select', { translate: { default_max_tokens: 1234 } }, 'failover', 'upstream'];
  const env = await startClaudeEnv(t, { accounts: [api('c1')], config: { filter_chains: { openai_chat: chain } } });
  const mark = env.mark();
  await client(env).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'limit' }] });
  assert.equal(env.since(mark)[0].json.max_tokens, 1234);
  await client(env).chat.completions.create({ model: MODEL, max_completion_tokens: 50, messages: [{ role: 'user', content: 'limit' }] });
  assert.equal(env.since(mark)[1].json.max_tokens, 50, "the client's own limit wins");
});

test('sticky sessions from prompt_cache_key, the session_id header and client_metadata.session_id', async (t) => {
  const env = await startClaudeEnv(t, { accounts: [api('x', { priority: 100 }), api('y', { priority: 100 })] });
  const c = client(env);
  const servedBy = async (extra, headers) => {
    const mark = env.mark();
    await c.responses.create({ model: MODEL, input: `turn ${Math.random()}`, ...extra }, { headers });
    return env.since(mark)[0].account;
  };
  const unkeyed = new Set();
  for (let i = 0; i < 4; i++) unkeyed.add(await servedBy({}));
  assert.equal(unkeyed.size, 2, 'without a key requests spread over both accounts');
  for (const [extra, headers] of [[{ prompt_cache_key: 'pck-1' }], [{}, { session_id: 'sess-hdr-1' }], [{ client_metadata: { session_id: 'meta-1' } }]]) {
    const seen = new Set();
    for (let i = 0; i < 4; i++) seen.add(await servedBy(extra, headers));
    assert.equal(seen.size, 1, `one account for ${JSON.stringify(extra)} ${JSON.stringify(headers || {})}`);
  }
});

test('model_map on the route and the account renames translated requests', async (t) => {
  const chain = ['auth', { route: { model_map: { 'gpt-5-codex': 'claude-sonnet-4-5' } } }, 'sticky_session', 'account_select', 'translate', 'failover', 'upstream'];
  const env = await startClaudeEnv(t, {
    accounts: [api('c1', { model_map: { 'gpt-4o': 'claude-haiku-4-5' } })],
    config: { filter_chains: { openai_responses: chain, openai_chat: chain } },
  });
  const mark = env.mark();
  const r = await client(env).responses.create({ model: 'gpt-5-codex', input: 'mapped' });
  assert.equal(r.status, 'completed');
  await client(env).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'mapped' }] });
  const calls = env.since(mark);
  assert.equal(calls[0].json.model, 'claude-sonnet-4-5', "the route's map");
  assert.equal(calls[1].json.model, 'claude-haiku-4-5', "the account's map");
});
