'use strict';
// The official @google/genai SDK against the mock's Gemini API: plain, SSE streaming, function
// calls. @google/genai needs Node.js 20; on older Node the test is skipped.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startMockUpstream } = require('../mock/upstream');

const skip = Number(process.versions.node.split('.')[0]) < 20 && '@google/genai needs Node.js >= 20';

test('generateContent, generateContentStream and a function call', { skip }, async (t) => {
  const { GoogleGenAI } = require('@google/genai');
  const mock = await startMockUpstream();
  t.after(() => mock.close());
  const ai = new GoogleGenAI({ apiKey: 'gemini-test-key', httpOptions: { baseUrl: mock.url } });

  const plain = await ai.models.generateContent({ model: 'gemini-2.5-pro', contents: 'hello there' });
  assert.match(plain.text, /hello there/);
  assert.ok(plain.usageMetadata.totalTokenCount > 0);

  let streamed = '';
  for await (const chunk of await ai.models.generateContentStream({ model: 'gemini-2.5-pro', contents: 'stream it please' })) {
    streamed += chunk.text ?? '';
  }
  assert.equal(streamed, 'Mock reply to: stream it please');

  const call = await ai.models.generateContent({
    model: 'gemini-2.5-pro',
    contents: 'what time is it? use get_time',
    config: { tools: [{ functionDeclarations: [{ name: 'get_time', parameters: { type: 'OBJECT', properties: { tz: { type: 'STRING' } }, required: ['tz'] } }] }] },
  });
  assert.deepEqual(call.functionCalls.map((f) => [f.name, f.args]), [['get_time', { tz: 'mock' }]]);

  assert.deepEqual(mock.requests.map((r) => r.credential), ['gemini-test-key', 'gemini-test-key', 'gemini-test-key']);
  assert.equal(mock.requests[1].query.alt, 'sse');
});
