'use strict';
// Upstream TLS handshakes on /metrics: relay_upstream_tls_handshakes_total{outcome} counts full,
// resumed and failed handshakes; relay_upstream_tls_handshake_seconds{outcome} times the completed
// ones. `upstream_keepalive_connections: 0` makes every request open a new upstream connection.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { makeTempDir, request, metricSamples } = require('./lib');
const { makeNamedCerts } = require('./lib/named-certs');
const { startMockUpstream } = require('../mock/upstream');
const { proxyChain, startProxyRelay, startTlsMock, postMessages } = require('./lib/upstream-scenario');

const server = { upstream_keepalive_connections: 0 };

// {outcome: value} of the samples named `name`.
function samples(text, name) {
  return Object.fromEntries(metricSamples(text, name).map((s) => [s.labels.outcome, s.value]));
}

async function metrics(relay) {
  const res = await request(`${relay.url}/metrics`);
  assert.equal(res.status, 200);
  const check = spawnSync('promtool', ['check', 'metrics'], { input: res.text, encoding: 'utf8' });
  assert.equal(check.status, 0, `promtool: ${check.stdout}${check.stderr}`);
  return {
    text: res.text,
    handshakes: samples(res.text, 'relay_upstream_tls_handshakes_total'),
    timed: samples(res.text, 'relay_upstream_tls_handshake_seconds_count'),
  };
}

async function ask(relay, mock, prefix, status = 200) {
  if (mock) mock.enqueue({ path: '/v1/messages', text: 'over tls' });
  const res = await postMessages(relay.url, prefix, { stream: false });
  const body = await res.text();
  assert.equal(res.status, status, body);
  if (!mock) return;
  const deadline = Date.now() + 5000; // the relay closes its idle upstream connection
  while (mock.sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

test('the first connection is a full handshake, the next ones resume', async (t) => {
  const dir = makeTempDir(t);
  const { mock, certs } = await startTlsMock(t, 'h2', dir);
  const relay = await startProxyRelay(t, { '/s': proxyChain({ url: mock.url, caFile: certs.caFile }) },
    { dir, server: { ...server, log_level: 'debug' } });
  // Exported from 0 once the relay has an https upstream (its TLS context is built at start-up).
  await relay.waitForStderr('client TLS context built');
  let m = await metrics(relay);
  assert.deepEqual(m.handshakes, { failed: 0, full: 0, resumed: 0 }, m.text);
  for (let i = 0; i < 3; ++i) await ask(relay, mock, '/s');
  assert.deepEqual(mock.tlsConnections.map((c) => c.reused), [false, true, true]);
  m = await metrics(relay);
  assert.deepEqual(m.handshakes, { failed: 0, full: 1, resumed: 2 }, m.text);
  assert.deepEqual(m.timed, { full: 1, resumed: 2 }, m.text);
});

test('a server that refuses resumption counts full handshakes', async (t) => {
  const dir = makeTempDir(t);
  const { mock, certs } = await startTlsMock(t, 'h1', dir, { refuseResumption: true });
  const relay = await startProxyRelay(t, { '/s': proxyChain({ url: mock.url, caFile: certs.caFile }) },
    { dir, server });
  for (let i = 0; i < 3; ++i) await ask(relay, mock, '/s');
  const m = await metrics(relay);
  assert.deepEqual(m.handshakes, { failed: 0, full: 3, resumed: 0 }, m.text);
});

test('a refused certificate counts a failed handshake', async (t) => {
  const dir = makeTempDir(t);
  const { mock, certs } = await startTlsMock(t, 'h2', dir);
  const otherDir = path.join(dir, 'other');
  fs.mkdirSync(otherDir);
  const other = makeNamedCerts(otherDir, ['localhost']);
  const relay = await startProxyRelay(t, {
    '/bad': proxyChain({ url: mock.url, caFile: other.caFile }), // not the CA that signed the mock
    '/good': proxyChain({ url: mock.url, caFile: certs.caFile }),
  }, { dir, server });
  await ask(relay, null, '/bad', 502);
  await ask(relay, mock, '/good');
  const m = await metrics(relay);
  assert.deepEqual(m.handshakes, { failed: 1, full: 1, resumed: 0 }, m.text);
  assert.deepEqual(m.timed, { full: 1, resumed: 0 }, m.text);
});

test('a relay without https upstreams exports no handshake series', async (t) => {
  const plain = await startMockUpstream();
  t.after(() => plain.close());
  const relay = await startProxyRelay(t, { '/p': proxyChain({ url: plain.url }) }, { server });
  const m = await metrics(relay);
  assert.doesNotMatch(m.text, /relay_upstream_tls_handshake/);
});
