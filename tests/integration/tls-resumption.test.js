'use strict';
// Client-side TLS session resumption: the relay keeps the session (TLS 1.3 tickets) an https
// upstream gives it and offers it on its next connection to that same upstream, and only there.
// `upstream_keepalive_connections: 0` closes every upstream connection once it is idle, so each
// request below opens a new one; the mock records per handshake whether it resumed.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('crypto');
const { startMockUpstream } = require('../mock/upstream');
const { makeTempDir, makeCerts } = require('./lib');
const { proxyChain, startProxyRelay, startTlsMock, postMessages } = require('./lib/upstream-scenario');
const { startMicrosocks } = require('./lib/forward-proxies');

const server = { upstream_keepalive_connections: 0 };

async function ask(relay, mock, prefix) {
  mock.enqueue({ path: '/v1/messages', text: 'over tls' });
  const res = await postMessages(relay.url, prefix, { stream: false });
  const body = await res.text();
  assert.equal(res.status, 200, body);
  // The relay closes its idle connection; wait until the mock has seen it go.
  const deadline = Date.now() + 5000;
  while (mock.sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.equal(mock.sockets.size, 0, 'the upstream connection was closed after the answer');
}

const reusedFlags = (mock) => mock.tlsConnections.map((c) => c.reused);

for (const tls of ['h1', 'h2']) {
  test(`${tls}: the next connection to the same upstream resumes the session`, async (t) => {
    const dir = makeTempDir(t);
    const { mock, certs } = await startTlsMock(t, tls, dir);
    const relay = await startProxyRelay(t, { '/s': proxyChain({ url: mock.url, caFile: certs.caFile }) },
      { dir, server });
    // Five in a row: a session is still offered after its tickets were used once.
    for (let i = 0; i < 5; ++i) await ask(relay, mock, '/s');
    assert.deepEqual(reusedFlags(mock), [false, true, true, true, true], JSON.stringify(mock.tlsConnections));
    const protocols = new Set(mock.tlsConnections.map((c) => c.protocol));
    assert.deepEqual([...protocols], ['TLSv1.3']);
  });
}

test('a TLS 1.2 upstream resumes too', async (t) => {
  const dir = makeTempDir(t);
  const { mock, certs } = await startTlsMock(t, 'h2', dir, { tlsOptions: { maxVersion: 'TLSv1.2' } });
  const relay = await startProxyRelay(t, { '/s': proxyChain({ url: mock.url, caFile: certs.caFile }) },
    { dir, server });
  for (let i = 0; i < 3; ++i) await ask(relay, mock, '/s');
  assert.deepEqual(reusedFlags(mock), [false, true, true], JSON.stringify(mock.tlsConnections));
  assert.equal(mock.tlsConnections[0].protocol, 'TLSv1.2');
});

test('a kept session also resumes a connection a mock closed mid-keep-alive', async (t) => {
  const dir = makeTempDir(t);
  const { mock, certs } = await startTlsMock(t, 'h2', dir);
  const relay = await startProxyRelay(t, { '/s': proxyChain({ url: mock.url, caFile: certs.caFile }) }, { dir });
  mock.enqueue({ path: '/v1/messages', text: 'first' });
  assert.equal((await postMessages(relay.url, '/s', { stream: false })).status, 200);
  mock.dropConnections();
  await new Promise((r) => setTimeout(r, 100)); // the relay sees the close
  mock.enqueue({ path: '/v1/messages', text: 'second' });
  const res = await postMessages(relay.url, '/s', { stream: false });
  assert.equal(res.status, 200, await res.text());
  assert.deepEqual(reusedFlags(mock), [false, true]);
});

test('another host name or port never gets the first upstream\'s session', async (t) => {
  const dir = makeTempDir(t);
  const certs = makeCerts(dir);
  // Both mocks share ticket keys: each would accept the other's tickets, so only the relay's
  // choice keeps them apart. The certificate names both 127.0.0.1 and localhost.
  const ticketKeys = crypto.randomBytes(48);
  const start = async () => {
    const m = await startMockUpstream({ tls: 'h2', cert: certs.cert, key: certs.key, ticketKeys });
    t.after(() => m.close());
    return m;
  };
  const a = await start();
  const b = await start();
  const relay = await startProxyRelay(t, {
    '/ip': proxyChain({ url: a.url, caFile: certs.caFile }),
    '/name': proxyChain({ url: `https://localhost:${a.port}`, caFile: certs.caFile }),
    '/port': proxyChain({ url: b.url, caFile: certs.caFile }),
  }, { dir, server });

  await ask(relay, a, '/ip');
  await ask(relay, a, '/name'); // same server, another name (SNI localhost): a full handshake
  await ask(relay, b, '/port'); // same name, another port: a full handshake
  assert.deepEqual(reusedFlags(a), [false, false], JSON.stringify(a.tlsConnections));
  assert.equal(a.tlsConnections[1].servername, 'localhost');
  assert.deepEqual(reusedFlags(b), [false]);
  // Each of them resumes its own session.
  await ask(relay, a, '/name');
  await ask(relay, a, '/ip');
  await ask(relay, b, '/port');
  assert.deepEqual(reusedFlags(a), [false, false, true, true], JSON.stringify(a.tlsConnections));
  assert.equal(a.tlsConnections[2].servername, 'localhost');
  assert.equal(a.tlsConnections[3].servername, false); // an IP literal: no SNI
  assert.deepEqual(reusedFlags(b), [false, true]);
});

test('through a forward proxy: resumed on the same route, never shared with the direct route', async (t) => {
  const dir = makeTempDir(t);
  const { mock, certs } = await startTlsMock(t, 'h2', dir);
  const socks = await startMicrosocks(t, { username: 'u1', password: 'p1' });
  const relay = await startProxyRelay(t, {
    '/direct': proxyChain({ url: mock.url, caFile: certs.caFile }),
    '/socks': proxyChain({ url: mock.url, caFile: certs.caFile, via: socks, username: 'u1', password: 'p1' }),
  }, { dir, server });
  await ask(relay, mock, '/direct');
  await ask(relay, mock, '/socks'); // the same upstream, another route: a full handshake
  await ask(relay, mock, '/socks');
  await ask(relay, mock, '/direct');
  assert.deepEqual(reusedFlags(mock), [false, false, true, true], JSON.stringify(mock.tlsConnections));
});

for (const tls of ['h1', 'h2']) {
  test(`${tls}: a server that refuses resumption still answers every request`, async (t) => {
    const dir = makeTempDir(t);
    const { mock, certs } = await startTlsMock(t, tls, dir, { refuseResumption: true });
    const relay = await startProxyRelay(t, { '/s': proxyChain({ url: mock.url, caFile: certs.caFile }) },
      { dir, server });
    for (let i = 0; i < 3; ++i) await ask(relay, mock, '/s');
    assert.deepEqual(reusedFlags(mock), [false, false, false]);
  });
}

// POST over a new client connection each time (no keep-alive), so the kernel spreads the
// requests over the workers' SO_REUSEPORT listeners.
function postOnNewConnection(relay, prefix) {
  const http = require('http');
  const body = JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 8, stream: false,
    messages: [{ role: 'user', content: 'hello' }] });
  return new Promise((resolve, reject) => {
    const req = http.request(`${relay.url}${prefix}/v1/messages`, {
      method: 'POST', agent: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' },
    }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('two workers share kept sessions: only the first connection of the process is a full handshake', async (t) => {
  const dir = makeTempDir(t);
  const { mock, certs } = await startTlsMock(t, 'h2', dir);
  const relay = await startProxyRelay(t, { '/s': proxyChain({ url: mock.url, caFile: certs.caFile }) },
    { dir, server: { ...server, workers: 2 } });
  // 16 client connections: the chance that one worker gets them all is 2^-15, so with sessions
  // kept per worker a second full handshake (the other worker's first connection) shows.
  for (let i = 0; i < 16; ++i) {
    mock.enqueue({ path: '/v1/messages', text: 'over tls' });
    const res = await postOnNewConnection(relay, '/s');
    assert.equal(res.status, 200, res.text);
    const deadline = Date.now() + 5000;
    while (mock.sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }
  assert.deepEqual(reusedFlags(mock), [false, ...Array(15).fill(true)], JSON.stringify(mock.tlsConnections));
});
