'use strict';
// A client that stops reading a response: once the relay's buffer is full and nothing drains for
// body_idle_timeout_seconds, the relay closes the client connection and cancels the upstream
// stream, instead of holding both open forever.
const test = require('node:test');
const assert = require('node:assert/strict');
const { connectRaw } = require('./lib');
const { startBareUpstream, streamPattern, watchResponses } = require('./lib/upstream-probes');
const { proxyChain, startProxyRelay } = require('./lib/upstream-scenario');

const MB = 1024 * 1024;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('a client that stops reading is cut after body_idle_timeout_seconds; the upstream stream ends', { timeout: 60000 }, async (t) => {
  const progress = { sent: 0 };
  const upstream = await startBareUpstream({}, (req, res) => streamPattern(res, 1024 * MB, progress));
  const responses = watchResponses(upstream.server);
  t.after(() => upstream.close());
  const relay = await startProxyRelay(t, { '/big': proxyChain({ url: upstream.url, name: 'bulk' }) },
    { server: { body_idle_timeout_seconds: 1, stream_buffer_bytes: '64KiB' } });
  const conn = await connectRaw(relay.port);
  t.after(() => conn.destroy());
  conn.socket.pause(); // reads nothing, ever
  conn.socket.write('GET /big/blob HTTP/1.1\r\nHost: relay\r\n\r\n');

  const deadline = Date.now() + 20000;
  while (Date.now() < deadline && !(responses[0] && responses[0].closed)) await sleep(100);
  assert.ok(responses[0], 'the upstream got the request');
  assert.ok(responses[0].closed, `the upstream stream was closed (sent ${(progress.sent / MB).toFixed(1)} MB)`);
  assert.equal(responses[0].ended, false, 'cut, not completed');
  assert.ok(progress.sent < 256 * MB, `the relay stopped reading the upstream meanwhile: ${(progress.sent / MB).toFixed(1)} MB`);

  // The relay itself is fine.
  const res = await fetch(`${relay.url}/health`);
  assert.equal(res.status, 200);
});

test('a client that reads slowly but steadily is not cut', { timeout: 60000 }, async (t) => {
  const total = 8 * MB;
  const upstream = await startBareUpstream({}, (req, res) => streamPattern(res, total));
  t.after(() => upstream.close());
  const relay = await startProxyRelay(t, { '/big': proxyChain({ url: upstream.url, name: 'bulk' }) },
    { server: { body_idle_timeout_seconds: 1, stream_buffer_bytes: '64KiB' } });
  const conn = await connectRaw(relay.port);
  t.after(() => conn.destroy());
  const socket = conn.socket;
  socket.removeAllListeners('data');
  let received = 0;
  socket.on('data', (d) => {
    received += d.length;
    socket.pause();
    setTimeout(() => socket.resume(), 5); // slow, but never silent for a second
  });
  socket.write('GET /big/blob HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n\r\n');
  const closed = await new Promise((resolve) => socket.on('close', () => resolve(true)));
  assert.ok(closed);
  assert.ok(received > total, `every byte arrived: ${received} of ${total} + headers`);
});
