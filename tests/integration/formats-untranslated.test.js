'use strict';
// Until translators exist, an OpenAI-format request routed to a Claude account is refused with a
// clear error in the client's own format — never forwarded untranslated to Anthropic.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startClaudeEnv, oauth, suiteScope } = require('./lib/claude-env');
const { assertOpenAIError } = require('./lib');

describe('OpenAI routes without translation', () => {
  const scope = suiteScope();
  let env;
  before(async () => {
    env = await startClaudeEnv(scope.t, { accounts: [oauth('claude-1')] });
  });
  after(() => scope.run());

  test('chat completions get a 501 in OpenAI shape and nothing reaches upstream', async () => {
    const mark = env.mark();
    const res = await env.post('/openai/v1/chat/completions', {
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Hello' }],
    });
    assertOpenAIError(res, 501);
    assert.match(res.json.error.message, /translation/);
    assert.equal(env.since(mark, '/v1/messages').length, 0);
  });
});
