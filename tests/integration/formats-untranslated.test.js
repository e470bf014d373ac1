'use strict';
// A request in a format that no loaded plugin translates for the account's provider (Gemini
// format onto a Claude account, through a route that allows Claude) is refused with a clear
// error in the client's own format — never forwarded untranslated to Anthropic. (OpenAI formats
// are translated: openai-sdk.test.js.) On the default Gemini routes, only Gemini accounts serve.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startClaudeEnv, oauth, suiteScope } = require('./lib/claude-env');

describe('a format without a translator for the provider', () => {
  const scope = suiteScope();
  let env;
  before(async () => {
    env = await startClaudeEnv(scope.t, {
      accounts: [oauth('claude-1')],
      config: {
        routes: [{ path: '/custom/gemini/*', methods: ['POST'], chain: 'gemini', format: 'gemini',
                   providers: ['claude'] }],
      },
    });
  });
  after(() => scope.run());

  test('a Gemini request gets a 501 in Gemini shape and nothing reaches upstream', async () => {
    const mark = env.mark();
    const res = await env.post('/custom/gemini/claude-sonnet-4-5:generateContent', {
      contents: [{ role: 'user', parts: [{ text: 'Hello' }] }],
    });
    assert.equal(res.status, 501, res.text);
    assert.equal(res.json.error.status, 'UNIMPLEMENTED');
    assert.match(res.json.error.message, /translat/);
    assert.equal(env.since(mark, '/v1/messages').length, 0);
  });

  test('the default Gemini route with no Gemini account: 503 in Gemini shape, nothing upstream', async () => {
    const mark = env.mark();
    const res = await env.post('/gemini/v1beta/models/claude-sonnet-4-5:generateContent', {
      contents: [{ role: 'user', parts: [{ text: 'Hello' }] }],
    });
    assert.equal(res.status, 503, res.text);
    assert.equal(res.json.error.status, 'UNAVAILABLE');
    assert.match(res.json.error.message, /no available account/);
    assert.equal(env.since(mark, '/v1/messages').length, 0);
  });
});
