'use strict';
// Bodies through the built-in `proxy` filter: a slow client reading a long HTTP/2 stream keeps the
// relay's memory bounded (backpressure reaches the upstream) and gets every byte; a gzip answer
// (despite accept-encoding: identity) arrives decoded.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('crypto');
const zlib = require('zlib');
const { makeTempDir, makeCerts, connectRaw } = require('./lib');
const { startBareUpstream, streamPattern, rssBytes } = require('./lib/upstream-probes');
const { proxyChain, startProxyRelay } = require('./lib/upstream-scenario');

const MB = 1024 * 1024;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Reads the response body from a paused raw socket in slow steps; samples the relay's RSS.
function readSlowly(socket, pid, { stepBytes, pauseMs }) {
  return new Promise((resolve, reject) => {
    const hash = crypto.createHash('sha256');
    let head = Buffer.alloc(0);
    let headers;
    let bodyBytes = 0;
    let sinceStep = 0;
    let maxRss = 0;
    const sampler = setInterval(() => (maxRss = Math.max(maxRss, rssBytes(pid))), 50);
    const finish = (err) => {
      clearInterval(sampler);
      if (err) reject(err);
      else resolve({ headers, bodyBytes, digest: hash.digest('hex'), maxRss });
    };
    socket.on('data', (d) => {
      if (headers === undefined) {
        head = Buffer.concat([head, d]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        headers = head.subarray(0, end).toString('latin1');
        d = head.subarray(end + 4);
      }
      hash.update(d);
      bodyBytes += d.length;
      sinceStep += d.length;
      if (sinceStep >= stepBytes) {
        sinceStep = 0;
        socket.pause();
        setTimeout(() => socket.resume(), pauseMs);
      }
    });
    socket.on('end', () => finish());
    socket.on('error', finish);
    socket.resume(); // paused explicitly before, so the 'data' listener alone does not start it
  });
}

function patternDigest(total, chunkBytes = 64 * 1024) {
  const chunk = Buffer.alloc(chunkBytes);
  for (let i = 0; i < chunkBytes; i++) chunk[i] = 97 + (i % 26);
  const hash = crypto.createHash('sha256');
  for (let sent = 0; sent < total; sent += chunkBytes) hash.update(chunk.subarray(0, Math.min(chunkBytes, total - sent)));
  return hash.digest('hex');
}

test('a slow client reading a 64 MB HTTP/2 stream: relay RSS stays bounded, every byte arrives', { timeout: 180000 }, async (t) => {
  const total = 64 * MB + 12345;
  const certs = makeCerts(makeTempDir(t));
  const progress = { sent: 0 };
  const upstream = await startBareUpstream({ tls: 'h2', cert: certs.cert, key: certs.key }, (req, res) => streamPattern(res, total, progress));
  t.after(() => upstream.close());
  const relay = await startProxyRelay(t, { '/big': proxyChain({ url: upstream.url, name: 'bulk', caFile: certs.caFile }) });
  const baseline = rssBytes(relay.child.pid);
  const conn = await connectRaw(relay.port);
  t.after(() => conn.destroy());
  const socket = conn.socket;
  socket.removeAllListeners('data'); // read it ourselves, with pauses
  socket.pause();
  socket.write('GET /big/blob HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n\r\n');
  // Not reading at all for a while: a relay without backpressure would buffer the whole stream.
  let stalledMax = 0;
  for (let i = 0; i < 30; i++) {
    await sleep(50);
    stalledMax = Math.max(stalledMax, rssBytes(relay.child.pid));
  }
  const sentWhileStalled = progress.sent;
  const result = await readSlowly(socket, relay.child.pid, { stepBytes: MB, pauseMs: 30 });
  const maxRss = Math.max(stalledMax, result.maxRss);
  assert.match(result.headers, /^HTTP\/1\.1 200/);
  assert.equal(result.bodyBytes, total, 'every byte arrived');
  assert.equal(result.digest, patternDigest(total), 'the bytes are the upstream\'s, in order');
  assert.equal(upstream.requests[0].httpVersion, '2.0');
  const mb = (n) => `${(n / MB).toFixed(1)} MB`;
  t.diagnostic(`RSS baseline ${mb(baseline)}, peak ${mb(maxRss)}; upstream sent ${mb(sentWhileStalled)} while the client stalled`);
  assert.ok(maxRss < 150 * MB, `relay RSS peaked at ${mb(maxRss)} (baseline ${mb(baseline)})`);
  assert.ok(sentWhileStalled > 0 && sentWhileStalled < 32 * MB,
    `backpressure reached the upstream: it sent ${mb(sentWhileStalled)} while the client read nothing`);
});

test('accept-encoding: identity goes upstream; a gzip answer arrives decoded', async (t) => {
  const payload = JSON.stringify({ id: 'msg_gzip', content: [{ type: 'text', text: 'compressed '.repeat(500) }] });
  const upstream = await startBareUpstream({}, (req, res) => {
    const gz = zlib.gzipSync(payload);
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(gz.length) });
    res.end(gz);
  });
  t.after(() => upstream.close());
  const relay = await startProxyRelay(t, { '/z': proxyChain({ url: upstream.url, name: 'gzip' }) });
  const conn = await connectRaw(relay.port);
  t.after(() => conn.destroy());
  // A client that itself offers gzip: the relay still asks the upstream for identity.
  await conn.send('GET /z/v1/thing HTTP/1.1\r\nHost: relay\r\nAccept-Encoding: gzip, br\r\nConnection: close\r\n\r\n');
  assert.ok(await conn.waitClose(10000), 'response complete');
  const raw = conn.data;
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end).toString('latin1');
  assert.match(head, /^HTTP\/1\.1 200/);
  assert.doesNotMatch(head, /content-encoding/i, 'the relay removed content-encoding after decoding');
  let body = raw.subarray(end + 4);
  if (/transfer-encoding: chunked/i.test(head)) body = dechunk(body);
  assert.equal(body.toString('utf8'), payload);
  assert.equal(upstream.requests[0].headers['accept-encoding'], 'identity');
});

function dechunk(buf) {
  const parts = [];
  let at = 0;
  for (;;) {
    const nl = buf.indexOf('\r\n', at);
    if (nl < 0) break;
    const size = parseInt(buf.subarray(at, nl).toString('latin1'), 16);
    if (!size) break;
    parts.push(buf.subarray(nl + 2, nl + 2 + size));
    at = nl + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
