'use strict';
// An open relay is refused: no api_keys on a non-loopback address stops start-up, unless
// server.allow_open says it is on purpose.
const test = require('node:test');
const assert = require('node:assert/strict');
const { makeTempDir, writeRelayConfig, runRelayCli, freePort } = require('./lib');

const config = (dir, server, keys = []) => writeRelayConfig(dir, { api_keys: keys, server }, 3999);

test('--check-config: empty api_keys on 0.0.0.0 or :: is refused with a clear message', (t) => {
  const dir = makeTempDir(t);
  for (const host of ['0.0.0.0', '::', '192.0.2.10']) {
    const r = runRelayCli(['--check-config', config(dir, { host })]);
    assert.equal(r.code, 1, `${host}: exit code (stderr: ${r.stderr})`);
    assert.match(r.stderr, /api_keys is empty/);
    assert.match(r.stderr, new RegExp(`server\\.host '${host.replace(/\./g, '\\.')}' is not a loopback address`));
    assert.match(r.stderr, /server\.allow_open: true/);
  }
});

test('--check-config: loopback, api_keys or allow_open each make it acceptable', (t) => {
  const dir = makeTempDir(t);
  for (const [server, keys] of [
    [{ host: '127.0.0.1' }, []],
    [{ host: '127.1.2.3' }, []],
    [{ host: '::1' }, []],
    [{ host: 'localhost' }, []],
    [{ host: '0.0.0.0' }, ['k1']],
    [{ host: '0.0.0.0', allow_open: true }, []],
  ]) {
    const r = runRelayCli(['--check-config', config(dir, server, keys)]);
    assert.equal(r.code, 0, `${JSON.stringify(server)} keys=${keys.length}: ${r.stderr}`);
  }
});

test('starting an open relay on 0.0.0.0 exits non-zero before listening', async (t) => {
  const dir = makeTempDir(t);
  const port = await freePort();
  const file = writeRelayConfig(dir, { api_keys: [], server: { host: '0.0.0.0' } }, port);
  const r = runRelayCli(['--config', file]);
  assert.notEqual(r.code, 0, r.stderr);
  assert.match(r.stderr, /not a loopback address/);
  assert.doesNotMatch(r.stderr, /listening on/);
});
