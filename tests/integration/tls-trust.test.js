'use strict';
// Which CAs the relay trusts for an https upstream: the system store (here replaced by
// SSL_CERT_FILE and SSL_CERT_DIR, which OpenSSL honours) always, plus the route's ca_file. When
// the hashed directory holds every certificate of the bundle, system CAs are looked up there on
// demand instead of parsing the whole bundle into memory; otherwise the bundle is parsed once per
// process and shared. Either way a context with a ca_file must still trust the system store.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const { execFileSync } = require('child_process');
const path = require('path');
const { startMockUpstream } = require('../mock/upstream');
const { makeTempDir, makeCerts, startRelay } = require('./lib');
const { makeNamedCerts } = require('./lib/named-certs');
const { proxyChain, postMessages } = require('./lib/upstream-scenario');

async function relayTrusting(t, dir, systemCaFile, routes, systemCaDir = path.join(dir, 'no-such-dir')) {
  const filter_chains = {};
  const list = [];
  Object.entries(routes).forEach(([prefix, chain], i) => {
    filter_chains[`c${i}`] = chain;
    list.push({ path: `${prefix}/*`, methods: ['POST'], chain: `c${i}`, format: 'anthropic' });
  });
  return startRelay(t, dir, { server: { log_level: 'debug' }, filter_chains, routes: list },
    { env: { SSL_CERT_FILE: systemCaFile, SSL_CERT_DIR: systemCaDir } });
}

// `layout(dir, system)` writes the system store and returns [bundle file, hashed directory].
async function checkTrust(t, layout) {
  const dir = makeTempDir(t);
  const system = makeCerts(dir); // stands in for the system store
  const otherDir = path.join(dir, 'other');
  fs.mkdirSync(otherDir);
  const other = makeNamedCerts(otherDir, ['localhost']); // a private CA for ca_file
  const mock = await startMockUpstream({ tls: 'h2', cert: system.cert, key: system.key });
  t.after(() => mock.close());
  const privateMock = await startMockUpstream({ tls: 'h2', cert: other.cert, key: other.key });
  t.after(() => privateMock.close());
  const privateUrl = `https://localhost:${privateMock.port}`;
  const [bundle, hashedDir] = layout(dir, system);
  const relay = await relayTrusting(t, dir, bundle, {
    '/sys': proxyChain({ url: mock.url }),
    '/both': proxyChain({ url: mock.url, caFile: other.caFile }),
    '/private': proxyChain({ url: privateUrl, caFile: other.caFile }),
    '/untrusted': proxyChain({ url: privateUrl }),
  }, hashedDir);
  for (const [prefix, upstream, status] of [
    ['/sys', mock, 200], ['/both', mock, 200], ['/private', privateMock, 200], ['/untrusted', null, 502],
  ]) {
    if (upstream) upstream.enqueue({ path: '/v1/messages', text: 'trusted' });
    const res = await postMessages(relay.url, prefix, { stream: false });
    const body = await res.text();
    assert.equal(res.status, status, `${prefix}: ${body}`);
    if (status === 502) assert.match(body + relay.stderr, /certificate verify failed/);
  }
  return relay;
}

// A directory as c_rehash makes it: the certificate under <subject hash>.0.
function hashedDirectory(dir, certFile, name = 'hashed') {
  const hashed = path.join(dir, name);
  fs.mkdirSync(hashed);
  const hash = execFileSync('openssl', ['x509', '-noout', '-subject_hash', '-in', certFile], { encoding: 'utf8' }).trim();
  fs.copyFileSync(certFile, path.join(hashed, `${hash}.0`));
  return { hashed, hash };
}

const onDemand = /client TLS context built \(system CAs looked up on demand in ([^)]*)\)/;
const parsed = /client TLS context built \(system CA bundle \S+ parsed/;

test('a route with its own ca_file still trusts the system store; one without trusts only that', async (t) => {
  // The bundle alone (no hashed directory): parsed into memory, as OpenSSL's default paths do.
  const relay = await checkTrust(t, (dir, system) => [system.caFile, path.join(dir, 'none')]);
  assert.match(relay.stderr, parsed);
  assert.doesNotMatch(relay.stderr, onDemand);
});

test('a hashed directory that holds the whole bundle: system CAs looked up there on demand, same trust', async (t) => {
  let hashed;
  const relay = await checkTrust(t, (dir, system) => {
    ({ hashed } = hashedDirectory(dir, system.caFile));
    return [system.caFile, hashed];
  });
  assert.equal(onDemand.exec(relay.stderr)?.[1], hashed, relay.stderr);
  assert.doesNotMatch(relay.stderr, parsed);
});

test('no bundle file at all: the hashed directory is the whole system store', async (t) => {
  const relay = await checkTrust(t, (dir, system) =>
    [path.join(dir, 'missing.pem'), hashedDirectory(dir, system.caFile).hashed]);
  assert.match(relay.stderr, onDemand);
});

test('a bundle certificate the directory lookup cannot find: the bundle is parsed', async (t) => {
  // The directory holds the certificate, but under a name its subject hash never asks for.
  const relay = await checkTrust(t, (dir, system) => {
    const { hashed, hash } = hashedDirectory(dir, system.caFile);
    const wrong = hash === '00000000' ? '00000001' : '00000000';
    fs.renameSync(path.join(hashed, `${hash}.0`), path.join(hashed, `${wrong}.0`));
    return [system.caFile, hashed];
  });
  assert.match(relay.stderr, parsed);
});

test('a bundle with more certificates than the directory: the bundle is parsed', async (t) => {
  const relay = await checkTrust(t, (dir, system) => {
    const extraDir = path.join(dir, 'extra');
    fs.mkdirSync(extraDir);
    const extra = makeNamedCerts(extraDir, ['extra.test']);
    const bundle = path.join(dir, 'bundle.pem');
    fs.writeFileSync(bundle, fs.readFileSync(extra.caFile, 'utf8') + fs.readFileSync(system.caFile, 'utf8'));
    return [bundle, hashedDirectory(dir, system.caFile).hashed]; // the extra CA is not in it
  });
  assert.match(relay.stderr, parsed);
});
