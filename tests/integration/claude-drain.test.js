'use strict';
// SIGTERM while a Claude stream is in flight through a claude-oauth account: the client still
// receives every event through message_stop and the relay exits 0.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startClaudeEnv, oauth } = require('./lib/claude-env');

test('SIGTERM mid-stream finishes the stream and exits 0', async (t) => {
  const env = await startClaudeEnv(t, { accounts: [oauth('drain-1')] });
  const reply = 'drain me slowly '.repeat(8);
  env.mock.enqueue({ path: '/v1/messages', delayMs: 120, text: reply });
  let stopped;
  let seen = 0;
  const { res, events } = await env.stream('/v1/messages?beta=true', {
    model: 'claude-sonnet-4-5', max_tokens: 256, stream: true, messages: [{ role: 'user', content: 'long answer' }],
  }, {}, () => {
    if (++seen === 3) stopped = env.relay.stop('SIGTERM');
  });
  assert.equal(res.status, 200);
  assert.ok(stopped, 'SIGTERM was sent while the stream was running');
  assert.equal(events[0].event, 'message_start');
  assert.equal(events.at(-1).event, 'message_stop', 'the stream ran to its end');
  const text = events.filter((e) => e.event === 'content_block_delta').map((e) => JSON.parse(e.data).delta.text).join('');
  assert.equal(text, reply, 'no event was lost');
  assert.equal(await stopped, 0, `exit code (stderr: ${env.relay.stderr})`);
  assert.equal(env.mock.requestsTo('/v1/messages').length, 1);
});
