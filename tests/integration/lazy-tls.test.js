'use strict';
// OpenSSL's TLS side (a client context, the system CA store: megabytes resident) is set up only
// when an upstream is https: a relay whose upstreams are plain HTTP does not pay it. When the
// configuration names an https upstream, the context is built at start-up on a background
// thread, so the first connection does not wait for it (and no loop stalls building it).
// The relay logs "client TLS context built" at debug level when it builds one.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startMockUpstream } = require('../mock/upstream');
const { makeTempDir } = require('./lib');
const { proxyChain, startProxyRelay, startTlsMock, postMessages } = require('./lib/upstream-scenario');

const built = 'client TLS context built';
const countBuilt = (relay) => relay.stderr.split(built).length - 1;

test('plain-HTTP upstreams build no TLS context', async (t) => {
  const dir = makeTempDir(t);
  const plain = await startMockUpstream();
  t.after(() => plain.close());
  const relay = await startProxyRelay(t, { '/p': proxyChain({ url: plain.url, name: 'plain' }) },
    { dir, server: { log_level: 'debug' } });
  for (let i = 0; i < 2; ++i) {
    plain.enqueue({ path: '/v1/messages', text: 'plain answer' });
    const res = await postMessages(relay.url, '/p', { stream: false });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
  }
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(countBuilt(relay), 0, `no TLS context for plain HTTP:\n${relay.stderr}`);
});

test('an https upstream in the configuration: its context is built at start-up, once', async (t) => {
  const dir = makeTempDir(t);
  const plain = await startMockUpstream();
  t.after(() => plain.close());
  const { mock: secure, certs } = await startTlsMock(t, 'h2', dir);
  const relay = await startProxyRelay(t, {
    '/p': proxyChain({ url: plain.url, name: 'plain' }),
    '/s': proxyChain({ url: secure.url, name: 'secure', caFile: certs.caFile }),
  }, { dir, server: { log_level: 'debug' } });
  // Before any request: the first https connection does not wait for it.
  await relay.waitForStderr(built);
  for (let i = 0; i < 2; ++i) {
    for (const [mock, prefix] of [[plain, '/p'], [secure, '/s']]) {
      mock.enqueue({ path: '/v1/messages', text: 'answer' });
      const res = await postMessages(relay.url, prefix, { stream: false });
      assert.equal(res.status, 200);
      await res.arrayBuffer();
    }
  }
  assert.equal(countBuilt(relay), 1, 'one context for the process');
});
