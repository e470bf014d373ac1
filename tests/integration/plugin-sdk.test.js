'use strict';
// The plugin SDK end to end: `meson install` into a temporary DESTDIR installs relay-server,
// the plugins, <includedir>/relay/relay_plugin.h and relay-plugin.pc; the example plugin
// (examples/echo_provider) is then built out of tree with one cc line against the installed
// header only, loaded through `plugins:`, and serves POST /v1/messages through the built-in
// routes from an account type and key (echo-api, echo_secret) the core has never heard of.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { makeTempDir, writeRelayConfig, runRelayCli, startRelay, RELAY_BIN } = require('./lib');
const { startMockUpstream } = require('../mock/upstream');

const BUILD_DIR = path.dirname(RELAY_BIN);
const EXAMPLE = path.join(__dirname, '../../examples/echo_provider/echo_provider.c');

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120000, ...opts });
  if (r.error) throw r.error;
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function findFile(dir, name) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = findFile(p, name);
      if (found) return found;
    } else if (entry.name === name) {
      return p;
    }
  }
  return null;
}

// Installs once and builds the example against what was installed; returns the paths.
function installAndBuild(t) {
  const dest = makeTempDir(t, 'relay-destdir-');
  run('meson', ['install', '-C', BUILD_DIR, '--destdir', dest, '--no-rebuild', '--quiet']);
  const pc = findFile(dest, 'relay-plugin.pc');
  assert.ok(pc, 'relay-plugin.pc installed');
  const env = { ...process.env, PKG_CONFIG_PATH: path.dirname(pc), PKG_CONFIG_SYSROOT_DIR: dest };
  const cflags = run('pkg-config', ['--cflags', 'relay-plugin'], { env }).trim();
  const includeDir = cflags.replace(/^-I/, '');
  assert.match(includeDir, /\/include\/relay$/, cflags);
  assert.ok(fs.existsSync(path.join(includeDir, 'relay_plugin.h')), 'header installed under <includedir>/relay');
  const installedBin = findFile(dest, 'relay-server');
  assert.ok(installedBin, 'relay-server installed');
  assert.ok(findFile(dest, 'librelay_claude.so'), 'the plugins are installed');
  // Out of tree: only the example's own file and the installed header.
  const work = makeTempDir(t, 'relay-echo-');
  fs.copyFileSync(EXAMPLE, path.join(work, 'echo_provider.c'));
  const so = path.join(work, 'librelay_echo.so');
  const line = `cc -shared -fPIC -O2 -o ${so} echo_provider.c ${cflags}`;
  run('sh', ['-c', line], { cwd: work });
  return { so, installedBin };
}

test('the installed SDK builds the example plugin, which serves /v1/messages end to end', async (t) => {
  const { so, installedBin } = installAndBuild(t);
  const mock = await startMockUpstream();
  t.after(() => mock.close());
  const dir = makeTempDir(t);
  const config = {
    plugins: [so],
    accounts: [{ type: 'echo-api', id: 'echo-1', api_url: mock.url, echo_secret: 's3cret-echo' }],
  };
  // The installed binary accepts the configuration too.
  const check = spawnSync(installedBin, ['--check-config', writeRelayConfig(dir, config, 3999)], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
  assert.match(check.stdout, /echo 1\.3/);

  const relay = await startRelay(t, dir, config);
  const res = await fetch(`${relay.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'echo?' }] }),
  });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  assert.equal(JSON.parse(text).type, 'message');
  const seen = mock.requests.filter((r) => r.pathname === '/v1/messages');
  assert.equal(seen.length, 1);
  assert.equal(seen[0].headers['x-echo-secret'], 's3cret-echo');
  assert.equal(seen[0].json.messages[0].content, 'echo?');
  assert.ok(!relay.stderr.includes('s3cret-echo'), 'the secret never reaches the log');

  // A key the example plugin rejects is reported with file, line and key path.
  const bad = path.join(dir, 'bad.yaml');
  fs.writeFileSync(bad, [
    `plugins: [${JSON.stringify(so)}]`,
    'accounts:',
    '  - type: echo-api',
    '    id: echo-2',
    `    api_url: ${mock.url}`,
    '    echo_secrte: typo',
    '',
  ].join('\n'));
  const r = runRelayCli(['--check-config', bad]);
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stderr, /bad\.yaml:6:5: accounts\[0\]\.echo_secrte: unknown key/);
});
