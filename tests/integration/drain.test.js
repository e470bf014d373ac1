'use strict';
// SIGTERM drain: an SSE stream in flight (custom route, built-in proxy filter, slow mock upstream)
// runs to its last event, new connections are refused, and the process exits 0.
const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('net');
const { startMockUpstream } = require('../mock/upstream');
const { spawn } = require('child_process');
const { makeTempDir, startRelay, readSse, writeRelayConfig, freePort, requireBinary, request } = require('./lib');

function tryConnect(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('connect', () => {
      // Accepted at TCP level: refused only if it is closed without any answer.
      s.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
      let got = '';
      s.on('data', (d) => (got += d));
      s.on('close', () => resolve(got.length ? 'answered' : 'closed'));
      s.setTimeout(2000, () => s.destroy());
    });
    s.on('error', (e) => resolve(e.code));
  });
}

// SIGHUP too: its default action ended the process at once, losing the stream and the usage not
// yet written (the relay has no configuration reload for it to mean).
for (const signal of ['SIGTERM', 'SIGHUP']) {
  test(`${signal} lets an in-flight stream finish, refuses new connections, exits 0`, async (t) => {
    const mock = await startMockUpstream();
    t.after(() => mock.close());
    mock.enqueue({ path: '/v1/messages', delayMs: 150, text: 'drain '.repeat(14) });
    const relay = await startRelay(t, makeTempDir(t), {
      filter_chains: { passthru: [{ proxy: { url: mock.url } }] },
      routes: [{ path: '/passthru/*', methods: ['GET', 'POST'], chain: 'passthru', format: 'anthropic' }],
    });

    const res = await fetch(`${relay.url}/passthru/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'x' }] }),
    });
    assert.equal(res.status, 200);
    let signalled;
    let refused;
    let seen = 0;
    const events = await readSse(res, () => {
      if (++seen === 2) {
        signalled = relay.stop(signal);
        refused = new Promise((r) => setTimeout(r, 300)).then(() => tryConnect(relay.port));
      }
    });
    assert.ok(signalled, `${signal} was sent mid-stream`);
    assert.equal(events.at(-1).event, 'message_stop', 'the final event arrived');
    const deltas = events.filter((e) => e.event === 'content_block_delta').map((e) => JSON.parse(e.data).delta.text).join('');
    assert.equal(deltas, 'drain '.repeat(14), 'every event arrived');
    assert.notEqual(await refused, 'answered', 'no new connection served during drain');
    assert.equal(await signalled, 0, `exit code (stderr: ${relay.stderr})`);
    const upstream = mock.requestsTo('/v1/messages');
    assert.equal(upstream.length, 1);
    assert.equal(upstream[0].pathname, '/v1/messages', 'the /passthru prefix is removed');
    assert.match(relay.stderr, new RegExp(`received ${signal}.*draining`), relay.stderr);
  });
}

test('started with SIGHUP ignored (nohup), the relay outlives a hangup', async (t) => {
  const port = await freePort();
  const file = writeRelayConfig(makeTempDir(t), {}, port);
  // sh sets SIGHUP to ignored and execs the relay, which inherits that, as nohup does.
  const child = spawn('sh', ['-c', 'trap "" HUP; exec "$0" --config "$1"', requireBinary(), file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((r) => child.on('exit', (code, signal) => r({ code, signal })));
  t.after(() => child.kill('SIGKILL'));
  let up = false;
  for (let i = 0; i < 100 && !up; i++) {
    up = await request(`http://127.0.0.1:${port}/health`).then((r) => r.status === 200, () => false);
    if (!up) await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(up, `the relay started: ${stderr}`);
  child.kill('SIGHUP');
  await new Promise((r) => setTimeout(r, 500));
  const health = await request(`http://127.0.0.1:${port}/health`);
  assert.equal(health.status, 200, 'still serving after the hangup');
  assert.doesNotMatch(stderr, /received SIGHUP/);
  child.kill('SIGTERM');
  assert.deepEqual(await exited, { code: 0, signal: null }, stderr);
});
