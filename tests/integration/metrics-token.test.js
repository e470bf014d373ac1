'use strict';
// server.metrics_token: /metrics and the detailed /health need "Authorization: Bearer <token>";
// without it, /health shows only the status.
const test = require('node:test');
const assert = require('node:assert/strict');
const { makeTempDir, startRelay, request, assertAnthropicError, metricValue } = require('./lib');

const TOKEN = 'metrics-token-7c1d2e';
const ACCOUNT = { type: 'claude-api', id: 'ops@example.com', priority: 50, api_key: 'sk-ant-upstream', api_url: 'http://127.0.0.1:9' };
const bearer = (t) => ({ authorization: `Bearer ${t}` });

test('with metrics_token: public /health is the status only, /metrics is 401 without the token', async (t) => {
  const relay = await startRelay(t, makeTempDir(t), { server: { metrics_token: TOKEN }, accounts: [ACCOUNT] });

  const open = await request(`${relay.url}/health`);
  assert.equal(open.status, 200);
  assert.deepEqual(open.json, { status: 'ok' });

  const detailed = await request(`${relay.url}/health`, { headers: bearer(TOKEN) });
  assert.equal(detailed.status, 200);
  for (const k of ['status', 'version', 'uptime_seconds', 'accounts']) assert.ok(k in detailed.json, `${k}: ${detailed.text}`);

  for (const headers of [{}, bearer('wrong-token-of-same-size'), bearer(TOKEN.slice(0, -1)), { authorization: TOKEN }]) {
    const wrong = await request(`${relay.url}/health`, { headers });
    assert.deepEqual(wrong.json, { status: 'ok' }, `${JSON.stringify(headers)}: ${wrong.text}`);
    const m = await request(`${relay.url}/metrics`, { headers });
    assertAnthropicError(m, 401);
    assert.doesNotMatch(m.text, /relay_|ops@example\.com/);
  }

  const metrics = await request(`${relay.url}/metrics`, { headers: { authorization: `bearer ${TOKEN}` } });
  assert.equal(metrics.status, 200);
  assert.notEqual(metricValue(metrics.text, 'relay_active_connections'), undefined, metrics.text);
});

test('without metrics_token both stay open (the default)', async (t) => {
  const relay = await startRelay(t, makeTempDir(t), { accounts: [ACCOUNT] });
  const health = await request(`${relay.url}/health`);
  assert.ok('accounts' in health.json, health.text);
  assert.equal((await request(`${relay.url}/metrics`)).status, 200);
});
