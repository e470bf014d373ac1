'use strict';
// The official @anthropic-ai/sdk against the relay (not the mock), once per Claude account type:
// non-streaming, messages.stream, a tool-use round trip, count_tokens and models.list.
// SDK 1.14 sends the relay key as Authorization: Bearer.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const Anthropic = require('@anthropic-ai/sdk').default;
const { startClaudeEnv, oauth, api, suiteScope, RELAY_KEY } = require('../integration/lib/claude-env');

const TOOLS = [{
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city'] },
}];

for (const [label, account, baseSuffix] of [['claude-oauth', oauth('sdk-oauth'), ''], ['claude-api', api('sdk-api'), '/api']]) {
  describe(`@anthropic-ai/sdk through the relay, ${label} account (base ${baseSuffix || '/'})`, () => {
    const scope = suiteScope();
    let env;
    let client;
    before(async () => {
      env = await startClaudeEnv(scope.t, { accounts: [account] });
      client = new Anthropic({ apiKey: RELAY_KEY, baseURL: env.url + baseSuffix, maxRetries: 0, timeout: 15000 });
    });
    after(() => scope.run());

    test('messages.create', async () => {
      const mark = env.mark();
      const msg = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'Hello relay' }] });
      assert.equal(msg.type, 'message');
      assert.equal(msg.stop_reason, 'end_turn');
      assert.equal(msg.content[0].text, 'Mock reply to: Hello relay');
      assert.ok(msg.usage.input_tokens > 0 && msg.usage.output_tokens > 0);
      const calls = env.since(mark);
      assert.equal(calls.length, 1);
      assert.equal(calls[0].account, account.id, 'served with the account credential');
    });

    test('messages.stream', async () => {
      const stream = client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'stream via relay' }] });
      let text = '';
      stream.on('text', (d) => (text += d));
      const final = await stream.finalMessage();
      assert.equal(text, 'Mock reply to: stream via relay');
      assert.equal(final.content[0].text, text);
      assert.equal(final.stop_reason, 'end_turn');
      assert.ok(final.usage.output_tokens > 1, 'cumulative usage from message_delta');
    });

    test('tool use round trip', async () => {
      const messages = [{ role: 'user', content: 'What is the weather in Paris? use get_weather' }];
      const first = await client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 200, tools: TOOLS, messages }).finalMessage();
      assert.equal(first.stop_reason, 'tool_use');
      const call = first.content.find((b) => b.type === 'tool_use');
      assert.equal(call.name, 'get_weather');
      assert.deepEqual(call.input, { city: 'mock' });

      const mark = env.mark();
      const second = await client.messages.create({
        model: 'claude-sonnet-4-5', max_tokens: 200, tools: TOOLS,
        messages: [...messages, { role: 'assistant', content: first.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'sunny, 21C' }] }],
      });
      assert.equal(second.stop_reason, 'end_turn');
      assert.match(second.content[0].text, /sunny, 21C/);
      const sent = env.since(mark)[0].json.messages;
      assert.equal(sent[1].content.find((b) => b.type === 'tool_use').id, call.id);
      assert.equal(sent[2].content[0].tool_use_id, call.id);
    });

    test('messages.countTokens', async () => {
      const count = await client.messages.countTokens({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'count me please' }] });
      assert.equal(typeof count.input_tokens, 'number');
      assert.ok(count.input_tokens > 0);
    });

    test('models.list', async () => {
      const ids = [];
      for await (const m of client.models.list()) ids.push(m.id);
      assert.ok(ids.length > 0);
      assert.ok(ids.every((id) => id.startsWith('claude')), ids.join(','));
    });
  });
}
