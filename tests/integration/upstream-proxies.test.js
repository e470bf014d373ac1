'use strict';
// The built-in `proxy` filter through real forward proxies: microsocks (SOCKS5 with username and
// password) and tinyproxy (HTTP CONNECT with BasicAuth), to a TLS mock upstream whose CA the test
// makes. Streams must arrive event by event; proxy failures answer 502 naming the proxy and why.
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('child_process');
const { makeTempDir, readSse, assertAnthropicError } = require('./lib');
const { startMicrosocks, startTinyproxy } = require('./lib/forward-proxies');
const { watchResponses } = require('./lib/upstream-probes');
const { proxyChain, startProxyRelay, startTlsMock, postMessages, deltaText } = require('./lib/upstream-scenario');

const SOCKS_USER = 'relay-user';
const SOCKS_PASS = 'socks-pass-81723';
const HTTP_USER = 'relay-http';
const HTTP_PASS = 'http-pass-55120';

// Which processes own TCP connections to 127.0.0.1:port (needs root for other users' sockets).
function connectionOwners(port) {
  return execFileSync('ss', ['-tnpH', 'state', 'established', 'dst', `127.0.0.1:${port}`], { encoding: 'utf8' });
}

// Sends a slow SSE request and checks it arrived event by event; returns the probe results.
async function streamEventByEvent(relay, prefix, mock, watch, onFirstEvent = () => {}) {
  const text = 'streamed one event at a time';
  mock.enqueue({ path: '/v1/messages', delayMs: 300, text });
  const res = await postMessages(relay.url, prefix);
  assert.equal(res.status, 200, `status (stderr: ${relay.stderr})`);
  assert.match(res.headers.get('content-type'), /text\/event-stream/);
  let writesAtFirstEvent;
  let firstEventProbe;
  const events = await readSse(res, () => {
    if (writesAtFirstEvent !== undefined) return;
    writesAtFirstEvent = watch.at(-1).writes;
    firstEventProbe = onFirstEvent();
  });
  assert.equal(writesAtFirstEvent, 1, 'event 1 reached the client before the mock wrote event 2');
  assert.equal(events[0].event, 'message_start');
  assert.equal(events.at(-1).event, 'message_stop');
  assert.equal(deltaText(events), text);
  const upstream = mock.requestsTo('/v1/messages').at(-1);
  assert.equal(upstream.pathname, '/v1/messages', 'the route prefix is stripped');
  assert.equal(upstream.headers['accept-encoding'], 'identity');
  return { upstream, firstEventProbe };
}

test('HTTPS HTTP/2 upstream behind an authenticated SOCKS5 proxy streams event by event', async (t) => {
  const { mock, certs } = await startTlsMock(t, 'h2');
  const watch = watchResponses(mock.server);
  const socks = await startMicrosocks(t, { username: SOCKS_USER, password: SOCKS_PASS });
  const relay = await startProxyRelay(t, {
    '/s': proxyChain({ url: mock.url, name: 'socks-h2', caFile: certs.caFile, via: socks, username: SOCKS_USER, password: SOCKS_PASS }),
  });
  const { upstream, firstEventProbe } = await streamEventByEvent(relay, '/s', mock, watch, () => connectionOwners(mock.port));
  assert.equal(upstream.httpVersion, '2.0', 'the relay negotiated HTTP/2 through the tunnel');
  assert.match(firstEventProbe, /microsocks/, `the mock's peer is microsocks:\n${firstEventProbe}`);
  assert.doesNotMatch(firstEventProbe, /relay-server/, 'the relay did not connect to the mock directly');
});

test('HTTPS HTTP/2 upstream behind tinyproxy with BasicAuth streams event by event', async (t) => {
  const dir = makeTempDir(t);
  const { mock, certs } = await startTlsMock(t, 'h2', dir);
  const watch = watchResponses(mock.server);
  const tiny = await startTinyproxy(t, dir, { username: HTTP_USER, password: HTTP_PASS });
  const relay = await startProxyRelay(t, {
    '/h': proxyChain({ url: mock.url, name: 'tiny-h2', caFile: certs.caFile, via: tiny, username: HTTP_USER, password: HTTP_PASS }),
  });
  const { upstream } = await streamEventByEvent(relay, '/h', mock, watch);
  assert.equal(upstream.httpVersion, '2.0');
  const log = tiny.log();
  assert.match(log, new RegExp(`Request \\(file descriptor \\d+\\): CONNECT 127\\.0\\.0\\.1:${mock.port} `), `tinyproxy log:\n${log}`);
  assert.match(log, /Established connection to host "127\.0\.0\.1"/, `tinyproxy log:\n${log}`);
});

test('HTTP/1.1-only HTTPS upstream through SOCKS5 streams event by event', async (t) => {
  const { mock, certs } = await startTlsMock(t, 'h1');
  const watch = watchResponses(mock.server);
  const socks = await startMicrosocks(t, { username: SOCKS_USER, password: SOCKS_PASS });
  const relay = await startProxyRelay(t, {
    '/one': proxyChain({ url: mock.url, name: 'socks-h1', caFile: certs.caFile, via: socks, username: SOCKS_USER, password: SOCKS_PASS }),
  });
  const { upstream } = await streamEventByEvent(relay, '/one', mock, watch);
  assert.equal(upstream.httpVersion, '1.1', 'ALPN fell back to HTTP/1.1');
});

test('wrong SOCKS5 password: 502 naming the proxy and the reason; a concurrent good route still streams', async (t) => {
  const { mock, certs } = await startTlsMock(t, 'h2');
  const socks = await startMicrosocks(t, { username: SOCKS_USER, password: SOCKS_PASS });
  const relay = await startProxyRelay(t, {
    '/good': proxyChain({ url: mock.url, name: 'socks-good', caFile: certs.caFile, via: socks, username: SOCKS_USER, password: SOCKS_PASS }),
    '/bad': proxyChain({ url: mock.url, name: 'socks-bad', caFile: certs.caFile, via: socks, username: SOCKS_USER, password: 'wrong-secret-4411' }),
  });
  mock.enqueue({ path: '/v1/messages', delayMs: 100, text: 'the good route is unaffected' });
  const good = postMessages(relay.url, '/good').then(async (res) => ({ status: res.status, events: await readSse(res) }));
  const badRes = await postMessages(relay.url, '/bad');
  const bad = { status: badRes.status, text: await badRes.text() };
  bad.json = JSON.parse(bad.text);
  assertAnthropicError(bad, 502);
  const msg = bad.json.error.message;
  assert.match(msg, /socks-bad/, 'names the configured upstream');
  assert.ok(msg.includes(`proxy socks5 127.0.0.1:${socks.port}`), `names the proxy: ${msg}`);
  assert.match(msg, /SOCKS5 authentication rejected/);
  assert.ok(!msg.includes('wrong-secret-4411') && !relay.stderr.includes('wrong-secret-4411'), 'the password never appears');
  const g = await good;
  assert.equal(g.status, 200);
  assert.equal(g.events.at(-1).event, 'message_stop');
  assert.equal(deltaText(g.events), 'the good route is unaffected');
  assert.equal(mock.requestsTo('/v1/messages').length, 1, 'only the good request reached the upstream');
});

test('wrong tinyproxy password: 502 naming the proxy and its refusal', async (t) => {
  const dir = makeTempDir(t);
  const { mock, certs } = await startTlsMock(t, 'h2', dir);
  const tiny = await startTinyproxy(t, dir, { username: HTTP_USER, password: HTTP_PASS });
  const relay = await startProxyRelay(t, {
    '/h': proxyChain({ url: mock.url, name: 'tiny-bad', caFile: certs.caFile, via: tiny, username: HTTP_USER, password: 'not-the-pass-9931' }),
  });
  const res = await postMessages(relay.url, '/h');
  const r = { status: res.status, text: await res.text() };
  r.json = JSON.parse(r.text);
  assertAnthropicError(r, 502);
  const msg = r.json.error.message;
  assert.match(msg, /tiny-bad/);
  assert.ok(msg.includes(`proxy http 127.0.0.1:${tiny.port}`), `names the proxy: ${msg}`);
  assert.match(msg, /refused CONNECT 127\.0\.0\.1:\d+: 40[17]/, msg);
  assert.ok(!msg.includes('not-the-pass-9931') && !relay.stderr.includes('not-the-pass-9931'), 'the password never appears');
  assert.doesNotMatch(tiny.log(), /Established connection/, 'tinyproxy never opened the tunnel');
  assert.equal(mock.requestsTo().length, 0);
});

test('a name the SOCKS5 proxy cannot resolve: 502 naming the proxy', async (t) => {
  const socks = await startMicrosocks(t, { username: SOCKS_USER, password: SOCKS_PASS });
  const relay = await startProxyRelay(t, {
    '/s': proxyChain({ url: 'https://x.invalid', name: 'socks-nxdomain', via: socks, username: SOCKS_USER, password: SOCKS_PASS }),
  });
  const res = await postMessages(relay.url, '/s');
  const r = { status: res.status, text: await res.text() };
  r.json = JSON.parse(r.text);
  assertAnthropicError(r, 502);
  const msg = r.json.error.message;
  assert.ok(msg.includes(`proxy socks5 127.0.0.1:${socks.port}`), msg);
  assert.match(msg, /x\.invalid/, msg);
});
