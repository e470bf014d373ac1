'use strict';
// A configured secret shorter than the log masking's 6-byte minimum (core/obs/redact.h) can never
// be masked: the relay warns at start-up, once for each such secret, naming its config key and
// never its value.
const test = require('node:test');
const assert = require('node:assert/strict');
const { makeTempDir, startRelay, request } = require('./lib');

const SHORT = { relayKey: 'k3y42', metricsToken: 'mtk5a', proxyPassword: 'pw12' };

test('secrets too short to be masked: one start-up warning each, by key, never the value', async (t) => {
  const relay = await startRelay(t, makeTempDir(t), {
    server: { metrics_token: SHORT.metricsToken },
    // The second key is exactly the minimum: masked, so no warning.
    api_keys: ['relay-key-long-enough-91c2', 'six6ab', SHORT.relayKey],
    accounts: [{
      type: 'claude-api', id: 'px', api_key: 'sk-ant-upstream-7f3e', api_url: 'http://127.0.0.1:9',
      proxy: { type: 'http', host: '127.0.0.1', port: 9, username: 'user', password: SHORT.proxyPassword },
    }],
  });
  const expected = ['api_keys[2]', 'server.metrics_token', 'accounts[0].proxy.password (account px)'];
  const warning = (key) => `WARN  [config] ${key} is shorter than 6 bytes: too short to be masked in logs`;
  await relay.waitForStderr(warning(expected[2]));
  assert.equal((await request(`${relay.url}/health`)).status, 200);
  assert.equal((await request(`${relay.url}/metrics`, { headers: { authorization: `Bearer ${SHORT.metricsToken}` } })).status, 200);

  for (const key of expected) assert.equal(relay.stderr.split(warning(key)).length - 1, 1, `one warning for ${key}:\n${relay.stderr}`);
  assert.equal((relay.stderr.match(/\[config\] .* is shorter than 6 bytes/g) || []).length, 3, relay.stderr);
  for (const secret of Object.values(SHORT)) assert.ok(!relay.stderr.includes(secret), `${secret} in the log:\n${relay.stderr}`);
  assert.ok(!relay.stderr.includes('six6ab'), relay.stderr);
});
