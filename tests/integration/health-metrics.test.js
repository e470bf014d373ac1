'use strict';
// GET /health (JSON with status, version, uptime, account counts) and GET /metrics (Prometheus
// text accepted by promtool, counting requests).
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('child_process');
const { makeTempDir, startRelay, request, metricSum } = require('./lib');

const ACCOUNT = { type: 'claude-api', id: 'c1', name: 'test', priority: 50, enabled: true, api_key: 'sk-ant-upstream', api_url: 'http://127.0.0.1:9' };

test('GET /health reports status, version, uptime and accounts per provider', async (t) => {
  const relay = await startRelay(t, makeTempDir(t), { accounts: [ACCOUNT] });
  const res = await request(`${relay.url}/health`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') || '', /json/);
  const h = res.json;
  for (const k of ['status', 'version', 'uptime_seconds', 'accounts']) assert.ok(k in h, `${k} missing: ${res.text}`);
  assert.equal(typeof h.uptime_seconds, 'number');
  assert.equal(typeof h.accounts, 'object');
  const claude = Object.entries(h.accounts).find(([provider]) => provider.startsWith('claude'));
  assert.ok(claude, `claude provider in accounts: ${res.text}`);
  const counts = Object.values(claude[1]).filter((v) => typeof v === 'number');
  assert.ok(counts.reduce((a, b) => a + b, 0) >= 1, `counts by state: ${JSON.stringify(claude[1])}`);
});

test('GET /metrics passes promtool and counts requests', async (t) => {
  const relay = await startRelay(t, makeTempDir(t), {});
  for (let i = 0; i < 3; i++) await request(`${relay.url}/v1/messages`, { method: 'POST', body: { model: 'claude-sonnet-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] } });
  await request(`${relay.url}/health`);
  const res = await request(`${relay.url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') || '', /text\/plain/);
  const check = spawnSync('promtool', ['check', 'metrics'], { input: res.text, encoding: 'utf8' });
  assert.equal(check.status, 0, `promtool: ${check.stdout}${check.stderr}`);
  const total = metricSum(res.text, 'relay_requests_total');
  assert.ok(total >= 3, `relay_requests_total sums to ${total}:\n${res.text}`);
});
