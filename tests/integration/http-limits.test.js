'use strict';
// HTTP/1.1 edge cases on the client side, sent as exact bytes: limits, smuggling guards,
// slowloris, keep-alive, chunked bodies, Expect: 100-continue.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const { makeTempDir, startRelay, connectRaw, rawExchange, parseResponses } = require('./lib');

const KEY = 'k1-limits';
let relay;
let dir;
test.before(async () => {
  dir = makeTempDir(null);
  relay = await startRelay(null, dir, { api_keys: [KEY], server: { max_request_bytes: 1024, header_timeout_seconds: 1, idle_timeout_seconds: 3 } });
});
test.after(async () => {
  if (relay) await relay.stop('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

const BODY = JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
const head = (extra) => `POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: ${KEY}\r\ncontent-type: application/json\r\n${extra}\r\n`;
const statusOf = (text) => Number((/^HTTP\/1\.1 (\d{3})/.exec(text) || [])[1]);

test('body over max_request_bytes: 413 and closed', async () => {
  const big = 'x'.repeat(4096);
  const r = await rawExchange(relay.port, head(`Content-Length: ${big.length}\r\n`) + big);
  assert.equal(statusOf(r.text), 413, r.text);
  assert.ok(r.closed, 'connection closed');
});

test('header bytes over 64 KiB: 431 and closed', async () => {
  const r = await rawExchange(relay.port, head(`X-Big: ${'a'.repeat(70 * 1024)}\r\nContent-Length: 2\r\n`) + '{}');
  assert.equal(statusOf(r.text), 431, r.text);
  assert.ok(r.closed);
});

test('slowloris: headers not complete within header_timeout_seconds -> 408 and closed', async () => {
  const conn = await connectRaw(relay.port);
  const started = Date.now();
  await conn.send('POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n');
  const drip = setInterval(() => conn.send('X-Slow: a\r\n'), 300); // keeps bytes coming, never finishes
  const closed = await conn.waitClose(6000);
  clearInterval(drip);
  conn.destroy();
  assert.ok(closed, 'closed by the relay');
  assert.ok(Date.now() - started < 5000, `closed after ${Date.now() - started} ms`);
  assert.equal(statusOf(conn.text), 408, conn.text);
});

test('Content-Length together with Transfer-Encoding: 400 and closed', async () => {
  const r = await rawExchange(relay.port, head('Content-Length: 2\r\nTransfer-Encoding: chunked\r\n') + '2\r\n{}\r\n0\r\n\r\n');
  assert.equal(statusOf(r.text), 400, r.text);
  assert.ok(r.closed);
});

test('two differing Content-Length headers: 400', async () => {
  const r = await rawExchange(relay.port, head('Content-Length: 2\r\nContent-Length: 3\r\n') + '{} ');
  assert.equal(statusOf(r.text), 400, r.text);
});

test('keep-alive: two requests on one socket are both answered', async () => {
  const conn = await connectRaw(relay.port);
  const get = 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
  await conn.send(get);
  assert.ok(await conn.waitFor((t) => parseResponses(t).length === 1 && parseResponses(t)[0].body.length > 0), conn.text);
  await conn.send(get);
  assert.ok(await conn.waitFor((t) => parseResponses(t).length === 2), conn.text);
  conn.destroy();
  assert.deepEqual(parseResponses(conn.text).map((r) => r.status), [200, 200]);
});

test('chunked request body is accepted', async () => {
  const half = Math.floor(BODY.length / 2);
  const chunks = [BODY.slice(0, half), BODY.slice(half)].map((c) => `${c.length.toString(16)}\r\n${c}\r\n`).join('');
  const conn = await connectRaw(relay.port);
  await conn.send(head('Transfer-Encoding: chunked\r\n') + chunks + '0\r\n\r\n');
  assert.ok(await conn.waitFor((t) => parseResponses(t).length === 1), conn.text);
  conn.destroy();
  const [res] = parseResponses(conn.text);
  assert.equal(res.status, 503, `the JSON body was read whole (no accounts -> 503): ${conn.text}`);
});

test('Expect: 100-continue gets an interim 100 before the final answer', async () => {
  const conn = await connectRaw(relay.port);
  await conn.send(head(`Content-Length: ${BODY.length}\r\nExpect: 100-continue\r\n`));
  assert.ok(await conn.waitFor((t) => t.startsWith('HTTP/1.1 100 Continue\r\n'), 3000), `got: ${conn.text}`);
  await conn.send(BODY);
  assert.ok(await conn.waitFor((t) => parseResponses(t).length === 2), conn.text);
  conn.destroy();
  assert.equal(parseResponses(conn.text)[1].status, 503);
});

test('a head that arrives in pieces, cut inside names and values, is read whole', async () => {
  const conn = await connectRaw(relay.port);
  conn.socket.setNoDelay(true);
  const text = head(`Content-Length: ${BODY.length}\r\n`);
  const cuts = [text.indexOf('x-api-key') + 3, text.indexOf(KEY) + 4, text.indexOf('application/') + 5,
    text.indexOf('Content-Length') + 8].sort((a, b) => a - b);
  let at = 0;
  for (const cut of cuts) {
    await conn.send(text.slice(at, cut));
    at = cut;
    await new Promise((r) => setTimeout(r, 30)); // each piece its own read
  }
  await conn.send(text.slice(at) + BODY);
  assert.ok(await conn.waitFor((t) => parseResponses(t).length === 1), conn.text);
  conn.destroy();
  // The key was put together again (no 401) and the body read whole (no accounts -> 503).
  assert.equal(parseResponses(conn.text)[0].status, 503, conn.text);
});

test('a keep-alive connection idles for idle_timeout_seconds, not the shorter header timeout', async () => {
  const conn = await connectRaw(relay.port);
  await conn.send('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  assert.ok(await conn.waitFor((t) => parseResponses(t).length === 1 && parseResponses(t)[0].body.length > 0), conn.text);
  const answered = Date.now();
  // The head's 1 s deadline passes first; the connection must outlive it.
  assert.equal(await conn.waitClose(1800), false, 'still open after the header timeout');
  const closed = await conn.waitClose(4000);
  const idle = Date.now() - answered;
  conn.destroy();
  assert.ok(closed, 'closed once idle');
  assert.ok(idle >= 2800 && idle < 5500, `closed after ${idle} ms idle`);
  assert.equal(parseResponses(conn.text).length, 1, 'no 408 on the idle connection');
});
