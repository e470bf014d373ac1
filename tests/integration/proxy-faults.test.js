'use strict';
// A proxy that is down (issue 13, faults): an account whose SOCKS5 or HTTP CONNECT proxy port is
// closed fails over to another account; alone, it answers 502 naming the account and the cause.
const test = require('node:test');
const assert = require('node:assert/strict');
const { freePort } = require('./lib');
const { startClaudeEnv, api, servedBy } = require('./lib/claude-env');

for (const type of ['socks5', 'http']) {
  test(`a ${type} proxy that is down: the next account serves`, async (t) => {
    const port = await freePort();
    const env = await startClaudeEnv(t, {
      accounts: [
        api('behind-proxy', { priority: 100, proxy: { type, host: '127.0.0.1', port } }),
        api('direct', { priority: 50 }),
      ],
    });
    for (let i = 0; i < 2; i++) {
      const { res, calls } = await env.message();
      assert.equal(res.status, 200, `${res.text}\n${env.relay.stderr}`);
      assert.equal(servedBy(calls), 'direct');
    }
  });

  test(`a ${type} proxy that is down, no other account: 502 naming the account and the proxy`, async (t) => {
    const port = await freePort();
    const env = await startClaudeEnv(t, {
      accounts: [api('lonely', { proxy: { type, host: '127.0.0.1', port } })],
    });
    const { res, calls } = await env.message();
    assert.equal(res.status, 502, res.text);
    assert.equal(calls.length, 0, 'nothing reached the upstream');
    assert.equal(res.json && res.json.type, 'error', res.text);
    const msg = res.json.error.message;
    assert.match(msg, /lonely/, msg);
    assert.ok(msg.includes(`127.0.0.1:${port}`), msg);
    assert.match(msg, /proxy/i, msg);
    assert.match(msg, /refused/i, msg);
  });
}
