'use strict';
// Shared set-up for the upstream-*.test.js files: relay routes that use the built-in `proxy`
// filter (optionally through a forward proxy), and the Anthropic requests sent through them.
const { startMockUpstream } = require('../../mock/upstream');
const { makeCerts } = require('./certs');
const { makeTempDir } = require('./tmpdir');
const { startRelay } = require('./relay');

// A `proxy` filter chain entry. `via` is a forward proxy from forward-proxies.js (or a literal
// {type, host, port}); credentials override the proxy's own.
function proxyChain({ url, name, caFile, via, username, password }) {
  const cfg = { url };
  if (name) cfg.name = name;
  if (caFile) cfg.ca_file = caFile;
  if (via) {
    cfg.proxy = { type: via.type, host: via.host, port: via.port };
    if (username !== undefined) cfg.proxy.username = username;
    if (password !== undefined) cfg.proxy.password = password;
  }
  return [{ proxy: cfg }];
}

// Starts the relay with one route per entry of `routes`: {'/a': chainEntries, ...}; each is
// mounted as '/a/*' (prefix stripped) in the Anthropic format.
async function startProxyRelay(t, routes, { dir = makeTempDir(t), server } = {}) {
  const filter_chains = {};
  const list = [];
  Object.entries(routes).forEach(([prefix, chain], i) => {
    filter_chains[`c${i}`] = chain;
    list.push({ path: `${prefix}/*`, methods: ['GET', 'POST'], chain: `c${i}`, format: 'anthropic' });
  });
  return startRelay(t, dir, { ...(server ? { server } : {}), filter_chains, routes: list });
}

// A mock upstream over TLS with a CA made for this test; closed when the test ends. `mockOpts`
// go to the mock (ticketKeys, refuseResumption, ...).
async function startTlsMock(t, tls = 'h2', dir = makeTempDir(t), mockOpts = {}) {
  const certs = makeCerts(dir);
  const mock = await startMockUpstream({ tls, cert: certs.cert, key: certs.key, ...mockOpts });
  t.after(() => mock.close());
  return { mock, certs };
}

const messagesBody = (stream, content = 'hello') =>
  JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 64, stream, messages: [{ role: 'user', content }] });

// POST {relay}{prefix}/v1/messages; returns the fetch Response (body unread).
function postMessages(relayUrl, prefix, { stream = true, signal, headers = {} } = {}) {
  return fetch(`${relayUrl}${prefix}/v1/messages`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: messagesBody(stream), signal,
  });
}

// The concatenated text deltas of Anthropic SSE events.
const deltaText = (events) => events.filter((e) => e.event === 'content_block_delta')
  .map((e) => JSON.parse(e.data).delta.text).join('');

module.exports = { proxyChain, startProxyRelay, startTlsMock, messagesBody, postMessages, deltaText };
