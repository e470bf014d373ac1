'use strict';
// Upstream failures through the built-in `proxy` filter: each answers with a clear, attributed
// error (before the headers) or a visibly truncated stream (after), and the relay stays healthy.
const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('net');
const { startMockUpstream } = require('../mock/upstream');
const { makeTempDir, freePort, connectRaw, readSse, assertAnthropicError } = require('./lib');
const { makeNamedCerts } = require('./lib/named-certs');
const { watchResponses } = require('./lib/upstream-probes');
const { proxyChain, startProxyRelay, startTlsMock, postMessages, messagesBody, deltaText } = require('./lib/upstream-scenario');

async function errorOf(res) {
  const r = { status: res.status, text: await res.text() };
  try {
    r.json = JSON.parse(r.text);
  } catch {
    r.json = undefined;
  }
  return r;
}

// The raw HTTP/1.1 bytes of a streaming POST to the relay.
function rawStreamRequest(path) {
  const body = messagesBody(true);
  return `POST ${path} HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

// The relay still answers /health and a fresh request on `prefix` streams to the end.
async function assertRelayHealthy(relay, mock, prefix) {
  const health = await fetch(`${relay.url}/health`);
  assert.equal(health.status, 200);
  await health.arrayBuffer();
  mock.enqueue({ path: '/v1/messages', text: 'still fine' });
  const res = await postMessages(relay.url, prefix);
  assert.equal(res.status, 200);
  const events = await readSse(res);
  assert.equal(events.at(-1).event, 'message_stop');
  assert.equal(deltaText(events), 'still fine');
}

test('a DNS name that does not resolve: 502 naming the host', async (t) => {
  const relay = await startProxyRelay(t, { '/d': proxyChain({ url: 'https://x.invalid', name: 'nxdomain' }) });
  const r = await errorOf(await postMessages(relay.url, '/d'));
  assertAnthropicError(r, 502);
  assert.match(r.json.error.message, /nxdomain/);
  assert.match(r.json.error.message, /dns x\.invalid/, r.json.error.message);
});

test('connection refused: 502 naming the address', async (t) => {
  const port = await freePort();
  const relay = await startProxyRelay(t, { '/c': proxyChain({ url: `http://127.0.0.1:${port}`, name: 'refused' }) });
  const r = await errorOf(await postMessages(relay.url, '/c'));
  assertAnthropicError(r, 502);
  const msg = r.json.error.message;
  assert.match(msg, /refused/);
  assert.ok(msg.includes(`127.0.0.1:${port}`), msg);
  assert.match(msg, /connection refused/i, msg);
});

test('a certificate for another host is refused: 502, the upstream sees no request', async (t) => {
  const dir = makeTempDir(t);
  const certs = makeNamedCerts(dir, ['other.example']);
  const mock = await startMockUpstream({ tls: 'h2', cert: certs.cert, key: certs.key });
  t.after(() => mock.close());
  const relay = await startProxyRelay(t, { '/w': proxyChain({ url: mock.url, name: 'wrong-host', caFile: certs.caFile }) }, { dir });
  const r = await errorOf(await postMessages(relay.url, '/w'));
  assertAnthropicError(r, 502);
  const msg = r.json.error.message;
  assert.ok(msg.includes(`tls 127.0.0.1:${mock.port}`), msg);
  assert.match(msg, /certificate|verif|hostname|IP address mismatch/i, msg);
  assert.equal(mock.requestsTo().length, 0, 'no request was sent over the unverified connection');
});

for (const tls of ['h2', undefined]) {
  const kind = tls ? 'HTTP/2 over TLS' : 'plain HTTP/1.1';
  test(`${kind} upstream dies mid-stream: the client's stream ends without a clean terminator`, async (t) => {
    let mock;
    let caFile;
    if (tls) ({ mock, certs: { caFile } } = await startTlsMock(t, tls));
    else {
      mock = await startMockUpstream();
      t.after(() => mock.close());
    }
    const relay = await startProxyRelay(t, { '/k': proxyChain({ url: mock.url, name: 'dies', caFile }) });
    mock.enqueue({ path: '/v1/messages', delayMs: 50, dieAfterEvents: 3, text: 'this answer is cut short by the upstream' });
    const conn = await connectRaw(relay.port);
    t.after(() => conn.destroy());
    await conn.send(rawStreamRequest('/k/v1/messages'));
    assert.ok(await conn.waitClose(10000), 'the relay closed the client connection');
    const text = conn.text;
    assert.match(text, /^HTTP\/1\.1 200/);
    assert.match(text, /transfer-encoding: chunked/i);
    assert.match(text, /event: content_block_start/, 'events before the cut arrived');
    assert.doesNotMatch(text, /event: message_stop/);
    assert.ok(!text.endsWith('\r\n0\r\n\r\n'), `no final zero-length chunk; tail: ${JSON.stringify(text.slice(-120))}`);
    await assertRelayHealthy(relay, mock, '/k');
  });

  test(`client disconnects mid-stream: the ${kind} upstream request is cancelled`, async (t) => {
    let mock;
    let caFile;
    if (tls) ({ mock, certs: { caFile } } = await startTlsMock(t, tls));
    else {
      mock = await startMockUpstream();
      t.after(() => mock.close());
    }
    const watch = watchResponses(mock.server);
    const relay = await startProxyRelay(t, { '/g': proxyChain({ url: mock.url, name: 'gone', caFile }) });
    mock.enqueue({ path: '/v1/messages', delayMs: 200, text: 'a long answer nobody reads '.repeat(20) });
    const conn = await connectRaw(relay.port);
    await conn.send(rawStreamRequest('/g/v1/messages'));
    assert.ok(await conn.waitFor((s) => s.includes('event: message_start'), 10000), 'the stream started');
    const goneAt = Date.now();
    conn.destroy();
    const deadline = goneAt + 2000;
    while (!(watch[0] && watch[0].closed) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const rec = watch[0];
    assert.ok(rec.closed, 'the upstream response was closed within 2 s of the client leaving');
    assert.equal(rec.ended, false, 'the upstream did not get to finish its answer');
    assert.ok(rec.closedAt - goneAt < 2000, `closed ${rec.closedAt - goneAt} ms after the client left`);
    if (tls === 'h2') assert.notEqual(rec.rstCode, 0, 'the HTTP/2 stream was reset');
    await assertRelayHealthy(relay, mock, '/g');
  });
}

test('an upstream that never answers: 504 after response_header_timeout_seconds', async (t) => {
  const mock = await startMockUpstream();
  t.after(() => mock.close());
  mock.enqueue({ path: '/v1/messages', hang: true });
  const relay = await startProxyRelay(t, { '/slow': proxyChain({ url: mock.url, name: 'hangs' }) },
    { server: { response_header_timeout_seconds: 1 } });
  const started = Date.now();
  const r = await errorOf(await postMessages(relay.url, '/slow'));
  assertAnthropicError(r, 504);
  assert.match(r.json.error.message, /hangs/);
  assert.match(r.json.error.message, /no response headers within 1000 ms/, r.json.error.message);
  assert.ok(Date.now() - started < 5000);
});

test('a proxy that accepts but never completes its handshake: 504 naming the proxy', async (t) => {
  const sockets = new Set();
  const silent = net.createServer((s) => {
    sockets.add(s); // reads the greeting, says nothing
    s.on('error', () => {});
  });
  await new Promise((r) => silent.listen(0, '127.0.0.1', r));
  t.after(() => {
    sockets.forEach((s) => s.destroy());
    return new Promise((r) => silent.close(r));
  });
  const port = silent.address().port;
  const relay = await startProxyRelay(t, {
    '/p': proxyChain({ url: 'https://upstream.example', name: 'mute-proxy', via: { type: 'socks5', host: '127.0.0.1', port } }),
  }, { server: { tls_handshake_timeout_seconds: 1 } });
  const r = await errorOf(await postMessages(relay.url, '/p'));
  assertAnthropicError(r, 504);
  const msg = r.json.error.message;
  assert.ok(msg.includes(`proxy socks5 127.0.0.1:${port}`), msg);
  assert.match(msg, /handshake timed out after 1000 ms/, msg);
});
