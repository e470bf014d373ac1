'use strict';
// Which CAs the relay trusts for an https upstream: the system store (here replaced by
// SSL_CERT_FILE, which OpenSSL honours) always, plus the route's ca_file. The system store is
// parsed once per process and shared: a context with a ca_file must still trust it.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { startMockUpstream } = require('../mock/upstream');
const { makeTempDir, makeCerts, startRelay } = require('./lib');
const { makeNamedCerts } = require('./lib/named-certs');
const { proxyChain, postMessages } = require('./lib/upstream-scenario');

async function relayTrusting(t, dir, systemCaFile, routes) {
  const filter_chains = {};
  const list = [];
  Object.entries(routes).forEach(([prefix, chain], i) => {
    filter_chains[`c${i}`] = chain;
    list.push({ path: `${prefix}/*`, methods: ['POST'], chain: `c${i}`, format: 'anthropic' });
  });
  return startRelay(t, dir, { filter_chains, routes: list }, { env: { SSL_CERT_FILE: systemCaFile } });
}

test('a route with its own ca_file still trusts the system store; one without trusts only that', async (t) => {
  const dir = makeTempDir(t);
  const system = makeCerts(dir); // stands in for the system store
  const otherDir = path.join(dir, 'other');
  fs.mkdirSync(otherDir);
  const other = makeNamedCerts(otherDir, ['localhost']); // a private CA for ca_file
  const mock = await startMockUpstream({ tls: 'h2', cert: system.cert, key: system.key });
  t.after(() => mock.close());
  const privateMock = await startMockUpstream({ tls: 'h2', cert: other.cert, key: other.key });
  t.after(() => privateMock.close());
  const privateUrl = `https://localhost:${privateMock.port}`;
  const relay = await relayTrusting(t, dir, system.caFile, {
    '/sys': proxyChain({ url: mock.url }),
    '/both': proxyChain({ url: mock.url, caFile: other.caFile }),
    '/private': proxyChain({ url: privateUrl, caFile: other.caFile }),
    '/untrusted': proxyChain({ url: privateUrl }),
  });
  for (const [prefix, upstream, status] of [
    ['/sys', mock, 200], ['/both', mock, 200], ['/private', privateMock, 200], ['/untrusted', null, 502],
  ]) {
    if (upstream) upstream.enqueue({ path: '/v1/messages', text: 'trusted' });
    const res = await postMessages(relay.url, prefix, { stream: false });
    const body = await res.text();
    assert.equal(res.status, status, `${prefix}: ${body}`);
    if (status === 502) assert.match(body + relay.stderr, /certificate verify failed/);
  }
});
