'use strict';
// The official @google/genai SDK against the relay (not the mock), once per Gemini account type:
// generateContent, generateContentStream, a function call and countTokens, as the README's
// recipe configures it (baseUrl = relay origin + /gemini, apiKey = a relay key).
// @google/genai needs Node.js 20; on older Node the test is skipped.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startGeminiEnv, geminiOauth, geminiApi, RELAY_KEY } = require('../integration/lib/gemini-env');

const skip = Number(process.versions.node.split('.')[0]) < 20 && '@google/genai needs Node.js >= 20';

for (const [label, account] of [['gemini (OAuth, Code Assist)', geminiOauth('sdk-oauth')], ['gemini-api', geminiApi('sdk-api')]]) {
  test(`@google/genai through the relay, ${label} account`, { skip }, async (t) => {
    const { GoogleGenAI } = require('@google/genai');
    const env = await startGeminiEnv(t, { accounts: [account] });
    const ai = new GoogleGenAI({ apiKey: RELAY_KEY, httpOptions: { baseUrl: `${env.url}/gemini` } });

    const plain = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hello relay' });
    assert.match(plain.text, /hello relay/);
    assert.ok(plain.usageMetadata.totalTokenCount > 0);

    let streamed = '';
    let chunks = 0;
    for await (const chunk of await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'stream through the relay' })) {
      streamed += chunk.text ?? '';
      chunks++;
    }
    assert.equal(streamed, 'Mock reply to: stream through the relay');
    assert.ok(chunks > 1, 'the answer arrived in several chunks');

    const call = await ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'what time is it? use get_time',
      config: { tools: [{ functionDeclarations: [{ name: 'get_time', parameters: { type: 'OBJECT', properties: { tz: { type: 'STRING' } }, required: ['tz'] } }] }] },
    });
    assert.deepEqual(call.functionCalls.map((f) => [f.name, f.args]), [['get_time', { tz: 'mock' }]]);

    const count = await ai.models.countTokens({ model: 'gemini-2.5-flash', contents: 'count these tokens' });
    assert.ok(count.totalTokens > 0);

    const upstream = env.mock.requests.filter((r) => /Content$|countTokens$/.test(r.pathname));
    assert.ok(upstream.length >= 4);
    assert.ok(upstream.every((r) => r.account === account.id), 'every call was served by the configured account');
  });
}
