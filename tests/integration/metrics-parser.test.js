'use strict';
// lib/metrics.js, the /metrics parser the other tests rely on, on hand-written exposition text
// (no relay): labels with escapes, samples without labels, special values, histograms, and the
// errors a test should see rather than a silently wrong number.
const test = require('node:test');
const assert = require('node:assert/strict');
const { parseMetrics, metricSamples, metricValue, metricSum } = require('./lib/metrics');

const TEXT = [
  '# HELP relay_requests_total Requests answered by the relay.',
  '# TYPE relay_requests_total counter',
  'relay_requests_total{route="/v1/messages",method="POST",status="200"} 3',
  'relay_requests_total{route="/v1/messages",method="POST",status="529"} 2',
  'relay_requests_total{route="/health",method="GET",status="200"} 1',
  '',
  '# HELP relay_active_connections Open client connections.',
  '# TYPE relay_active_connections gauge',
  'relay_active_connections 4',
  '# a plain comment',
  'relay_account_ejections_total{account="say \\"hi\\", then go",note="a\\\\b\\nc"} 7',
  'relay_float  1e-05 1712345678000',
  'relay_special{kind="nan"} NaN',
  'relay_special{kind="minus"} -Inf',
  '# TYPE relay_request_duration_seconds histogram',
  'relay_request_duration_seconds_bucket{route="/v1/messages",le="0.1"} 1',
  'relay_request_duration_seconds_bucket{route="/v1/messages",le="1"} 4',
  'relay_request_duration_seconds_bucket{route="/v1/messages",le="+Inf"} 5',
  'relay_request_duration_seconds_sum{route="/v1/messages"} 3.25',
  'relay_request_duration_seconds_count{route="/v1/messages"} 5',
  'relay_upper_bound{le="+Inf",} +Inf',
  '',
].join('\n');

test('parseMetrics: every sample with its labels and value, comments and blank lines skipped', () => {
  const samples = parseMetrics(TEXT);
  assert.equal(samples.length, 14);
  assert.deepEqual(samples[0], {
    name: 'relay_requests_total', labels: { route: '/v1/messages', method: 'POST', status: '200' }, value: 3,
  });
  assert.deepEqual(samples[3], { name: 'relay_active_connections', labels: {}, value: 4 });
  assert.deepEqual(samples[4].labels, { account: 'say "hi", then go', note: 'a\\b\nc' });
  assert.equal(samples[4].value, 7);
  assert.deepEqual(samples[5], { name: 'relay_float', labels: {}, value: 0.00001 }, 'the timestamp is not the value');
  assert.ok(Number.isNaN(samples[6].value));
  assert.equal(samples[7].value, -Infinity);
  assert.deepEqual(samples[13], { name: 'relay_upper_bound', labels: { le: '+Inf' }, value: Infinity });
});

test('metricValue: the one sample whose labels include the given ones', () => {
  assert.equal(metricValue(TEXT, 'relay_active_connections'), 4);
  assert.equal(metricValue(TEXT, 'relay_requests_total', { status: '529' }), 2);
  assert.equal(metricValue(TEXT, 'relay_requests_total', { route: '/health' }), 1);
  assert.equal(metricValue(TEXT, 'relay_account_ejections_total', { account: 'say "hi", then go' }), 7);
  assert.equal(metricValue(TEXT, 'relay_request_duration_seconds_bucket', { le: '1' }), 4);
  assert.equal(metricValue(TEXT, 'relay_request_duration_seconds_bucket', { le: '+Inf' }), 5);
  assert.equal(metricValue(TEXT, 'relay_request_duration_seconds_count'), 5);
  assert.equal(metricValue(TEXT, 'relay_request_duration_seconds_sum', { route: '/v1/messages' }), 3.25);
  // Absent: no such name, no such label value, or a name that only prefixes others.
  assert.equal(metricValue(TEXT, 'relay_missing_total'), undefined);
  assert.equal(metricValue(TEXT, 'relay_requests_total', { status: '404' }), undefined);
  assert.equal(metricValue(TEXT, 'relay_request_duration_seconds'), undefined);
});

test('metricValue throws, naming the metric, when several samples match', () => {
  assert.throws(() => metricValue(TEXT, 'relay_requests_total', { status: '200' }),
    { message: /^relay_requests_total\{"status":"200"\} matches 2 samples/ });
  assert.throws(() => metricValue(TEXT, 'relay_request_duration_seconds_bucket'),
    { message: /relay_request_duration_seconds_bucket.* matches 3 samples/ });
});

test('metricSum and metricSamples: over every matching sample', () => {
  assert.equal(metricSum(TEXT, 'relay_requests_total'), 6);
  assert.equal(metricSum(TEXT, 'relay_requests_total', { method: 'POST' }), 5);
  assert.equal(metricSum(TEXT, 'relay_requests_total', { status: '200' }), 4);
  assert.equal(metricSum(TEXT, 'relay_missing_total'), 0);
  assert.deepEqual(metricSamples(TEXT, 'relay_request_duration_seconds_bucket').map((s) => [s.labels.le, s.value]),
    [['0.1', 1], ['1', 4], ['+Inf', 5]]);
  assert.deepEqual(metricSamples(TEXT, 'relay_requests_total', { method: 'GET', status: '200' }),
    [{ name: 'relay_requests_total', labels: { route: '/health', method: 'GET', status: '200' }, value: 1 }]);
});

test('a malformed line throws with its line number instead of reading as a number', () => {
  const bad = (line) => () => parseMetrics(`# TYPE x counter\n${line}\n`);
  assert.throws(bad('x{a="1"'), { message: /^\/metrics line 2: .*: x\{a="1"$/ });
  assert.throws(bad('x{a="1} 2'), /line 2: unterminated value of label a/);
  assert.throws(bad('x{a="\\t"} 2'), /line 2: bad escape in label a/);
  assert.throws(bad('x{a="1" b="2"} 2'), /line 2: expected ',' or '}'/);
  assert.throws(bad('x{a="1",a="2"} 2'), /line 2: label a twice/);
  assert.throws(bad('x'), /line 2: expected a blank before the value/);
  assert.throws(bad('x 0x10'), /line 2: bad value '0x10'/);
  assert.throws(bad('x 1 2 3'), /line 2: junk after the value/);
  assert.throws(bad('x{a="1"}2'), /line 2: expected a blank before the value/);
});
