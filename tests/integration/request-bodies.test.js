'use strict';
// Request bodies reach the upstream byte for byte however they arrive: whole in one read (the
// relay keeps them in the read block they arrived in), split over reads, chunked, after
// Expect: 100-continue, larger than a read block, pipelined behind one another in one write, and
// from many connections at once (no read overwrites a body still on its way upstream).
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startClaudeEnv, api, suiteScope, RELAY_KEY } = require('./lib/claude-env');
const { connectRaw, parseResponses } = require('./lib/raw');

const bodyOf = (tag, size) => {
  const base = { model: 'claude-sonnet-4-5', max_tokens: 8, messages: [{ role: 'user', content: '' }], metadata: { user_id: tag } };
  const pad = size - JSON.stringify(base).length;
  base.messages[0].content = `${tag}:` + 'x'.repeat(Math.max(0, pad - tag.length - 1));
  return JSON.stringify(base);
};
const head = (extra) => 'POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
  `x-api-key: ${RELAY_KEY}\r\nanthropic-version: 2023-06-01\r\ncontent-type: application/json\r\n${extra}\r\n`;
const post = (body) => head(`Content-Length: ${Buffer.byteLength(body)}\r\n`) + body;
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

describe('request bodies', () => {
  const scope = suiteScope();
  let env;
  before(async () => {
    env = await startClaudeEnv(scope.t, { accounts: [api('api-bodies')] });
  });
  after(() => scope.run());

  const exchange = async (parts, count) => {
    const mark = env.mark();
    const conn = await connectRaw(env.relay.port);
    conn.socket.setNoDelay(true);
    for (const p of parts) {
      await conn.send(p);
      await pause(40); // each part its own read
    }
    assert.ok(await conn.waitFor((t) => parseResponses(t).length === count, 10000), conn.text);
    conn.destroy();
    assert.deepEqual(parseResponses(conn.text).map((r) => r.status), Array(count).fill(200), conn.text);
    return env.since(mark).map((c) => c.body);
  };

  test('pipelined requests with bodies in one write: each forwarded whole, in order', async () => {
    const bodies = [bodyOf('p1', 21000), bodyOf('p2', 300), bodyOf('p3', 9000)];
    const got = await exchange([bodies.map(post).join('')], 3);
    assert.deepEqual(got, bodies);
  });

  test('a body split over reads, and the next request pipelined behind it', async () => {
    const first = bodyOf('s1', 21000);
    const second = bodyOf('s2', 21000);
    const bytes = post(first) + post(second);
    const cuts = [600, 15000, bytes.length - 5000];
    const parts = [bytes.slice(0, cuts[0]), bytes.slice(cuts[0], cuts[1]), bytes.slice(cuts[1], cuts[2]), bytes.slice(cuts[2])];
    const got = await exchange(parts, 2);
    assert.deepEqual(got, [first, second]);
  });

  test('a chunked body and an Expect: 100-continue body', async () => {
    const chunked = bodyOf('c1', 5000);
    const half = Math.floor(chunked.length / 2);
    const chunks = [chunked.slice(0, half), chunked.slice(half)].map((c) => `${c.length.toString(16)}\r\n${c}\r\n`).join('');
    const got = await exchange([head('Transfer-Encoding: chunked\r\n') + chunks + '0\r\n\r\n'], 1);
    assert.deepEqual(got, [chunked]);

    const expected = bodyOf('e1', 4000);
    const mark = env.mark();
    const conn = await connectRaw(env.relay.port);
    await conn.send(head(`Content-Length: ${expected.length}\r\nExpect: 100-continue\r\n`));
    assert.ok(await conn.waitFor((t) => t.startsWith('HTTP/1.1 100 Continue\r\n'), 3000), conn.text);
    await conn.send(expected);
    assert.ok(await conn.waitFor((t) => parseResponses(t).length === 2), conn.text);
    conn.destroy();
    assert.equal(parseResponses(conn.text)[1].status, 200, conn.text);
    assert.deepEqual(env.since(mark).map((c) => c.body), [expected]);
  });

  test('a body larger than a read block', async () => {
    const big = bodyOf('b1', 300 * 1024);
    const got = await exchange([post(big)], 1);
    assert.equal(got.length, 1);
    assert.ok(got[0] === big, 'forwarded byte for byte');
  });

  test('many connections at once: no body is overwritten by a later read', async () => {
    const mark = env.mark();
    const bodies = Array.from({ length: 24 }, (_, i) => bodyOf(`m${i}`, 8000 + i * 500));
    const conns = await Promise.all(bodies.map(() => connectRaw(env.relay.port)));
    await Promise.all(conns.map((c, i) => c.send(post(bodies[i]))));
    for (const c of conns) {
      assert.ok(await c.waitFor((t) => parseResponses(t).length === 1, 10000), c.text);
      c.destroy();
      assert.equal(parseResponses(c.text)[0].status, 200, c.text);
    }
    const got = env.since(mark).map((c) => c.body).sort();
    assert.deepEqual(got, [...bodies].sort());
  });
});
