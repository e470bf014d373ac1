'use strict';
// Command line: --check-config (good file, misspelt key with file:line:col, a directory), --config
// without its FILE, --version, --help.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { makeTempDir, writeRelayConfig, runRelayCli } = require('./lib');

const projectVersion = () => /version:\s*'([^']+)'/.exec(fs.readFileSync(path.join(__dirname, '../../meson.build'), 'utf8'))[1];

test('--check-config accepts a good file and prints a summary', (t) => {
  const dir = makeTempDir(t);
  const file = writeRelayConfig(dir, { api_keys: ['k1'] }, 3999);
  const r = runRelayCli(['--check-config', file]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok((r.stdout + r.stderr).trim().length > 0, 'a summary is printed');
});

test('--check-config rejects a misspelt key with file:line:col and the key path', (t) => {
  const dir = makeTempDir(t);
  const file = path.join(dir, 'bad.yaml');
  fs.writeFileSync(file, 'api_keys: []\nserver:\n  prot: 3000\n');
  const r = runRelayCli(['--check-config', file]);
  assert.equal(r.code, 1, `exit code (stderr: ${r.stderr})`);
  assert.match(r.stderr, /bad\.yaml:3:\d+/, 'location of the bad key');
  assert.match(r.stderr, /server\.prot/);
});

test('a directory given as the configuration is refused, not read as an empty file', (t) => {
  const dir = makeTempDir(t);
  const notAFile = path.join(dir, 'relay.yaml');
  fs.mkdirSync(notAFile);
  for (const args of [['--check-config', notAFile], ['--config', notAFile, '--listen', '127.0.0.1:0']]) {
    const r = runRelayCli(args);
    assert.equal(r.code, 1, `${args.join(' ')}: exit code (stdout: ${r.stdout}, stderr: ${r.stderr})`);
    assert.match(r.stderr, /relay\.yaml: cannot read the configuration file: it is a directory/);
  }
});

test('--check-config refuses an account api_url the upstream client cannot use, naming the account', (t) => {
  const dir = makeTempDir(t);
  for (const url of ['not a url', 'ftp://upstream.example']) {
    const file = path.join(dir, 'url.yaml');
    fs.writeFileSync(file, `server: {host: 127.0.0.1, port: 3999}\naccounts:\n  - type: claude-api\n    id: a1\n    api_key: sk-test\n    api_url: ${url}\n`);
    const r = runRelayCli(['--check-config', file]);
    assert.equal(r.code, 1, `${url}: exit code (stdout: ${r.stdout}, stderr: ${r.stderr})`);
    assert.match(r.stderr, /url\.yaml:3:\d+: accounts\[0\]\.api_url: URL must start with http:\/\/ or https:\/\//, r.stderr);
  }
});

test('--check-config refuses a route provider no loaded plugin is, and lists the loaded ones', (t) => {
  const dir = makeTempDir(t);
  const file = path.join(dir, 'routes.yaml');
  fs.writeFileSync(file, 'server: {host: 127.0.0.1, port: 3999}\nroutes:\n  - {path: /x, chain: anthropic, providers: [claude, claud]}\n');
  const r = runRelayCli(['--check-config', file]);
  assert.equal(r.code, 1, `exit code (stdout: ${r.stdout}, stderr: ${r.stderr})`);
  assert.match(r.stderr, /routes\.yaml:3:\d+: routes\[0\]\.providers\[1\]: unknown provider 'claud' \(loaded provider plugins: [^)]*claude/, r.stderr);
});

test('--check-config refuses a CA file it cannot read, naming the key', (t) => {
  const dir = makeTempDir(t);
  const missing = path.join(dir, 'missing-ca.pem');
  const file = path.join(dir, 'ca.yaml');
  fs.writeFileSync(file, `server: {host: 127.0.0.1, port: 3999, upstream_ca_file: ${missing}}\n`);
  let r = runRelayCli(['--check-config', file]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /ca\.yaml: server\.upstream_ca_file: cannot read the CA file .*missing-ca\.pem: No such file or directory/, r.stderr);
  fs.writeFileSync(file, `server: {host: 127.0.0.1, port: 3999}\naccounts:\n  - {type: claude-api, id: a1, api_key: k, ca_file: ${dir}}\n`);
  r = runRelayCli(['--check-config', file]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /ca\.yaml:3:\d+: accounts\[0\]\.ca_file: cannot read the CA file .*: it is a directory/, r.stderr);
});

test('--config without a FILE says so', () => {
  for (const flag of ['--config', '-c']) {
    const r = runRelayCli([flag]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`${flag} needs a FILE`), r.stderr);
  }
});

test('--version prints the project version', () => {
  const r = runRelayCli(['--version']);
  assert.equal(r.code, 0);
  assert.ok(r.stdout.includes(projectVersion()), r.stdout);
});

test('--help exits 0 and documents --config', () => {
  const r = runRelayCli(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout + r.stderr, /--config/);
});
