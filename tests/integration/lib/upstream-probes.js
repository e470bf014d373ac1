'use strict';
// Instruments for upstream tests: what the upstream server did with each response (writes made,
// finished or cut), a bare upstream with a custom handler (binary bodies, huge streams), and the
// relay's resident memory.
const fs = require('fs');
const http = require('http');
const http2 = require('http2');
const https = require('https');

// Records, for every request `server` (http, https or http2 compat) receives, how many body
// writes its response made and how it ended (rstCode: the HTTP/2 reset code, 0 for none).
// Attach before the first request.
function watchResponses(server) {
  const seen = [];
  server.on('request', (req, res) => {
    // `ended`: the server code called end() (HTTP/2 compat also emits 'finish' on a reset).
    const rec = { path: req.url, writes: 0, ended: false, closed: false, closedAt: 0, rstCode: undefined };
    const write = res.write.bind(res);
    res.write = (...args) => {
      rec.writes++;
      return write(...args);
    };
    const end = res.end.bind(res);
    res.end = (...args) => {
      rec.ended = true;
      return end(...args);
    };
    res.on('close', () => {
      rec.closed = true;
      rec.closedAt = Date.now();
      if (res.stream) rec.rstCode = res.stream.rstCode;
    });
    seen.push(rec);
  });
  return seen;
}

// A bare upstream on 127.0.0.1: `handler(req, res)`; tls 'h2' | 'h1' | undefined like the mock.
// Returns {url, port, requests: [{method, path, headers, httpVersion}], server, close()}.
async function startBareUpstream({ tls, cert, key } = {}, handler) {
  const requests = [];
  const wrapped = (req, res) => {
    requests.push({ method: req.method, path: req.url, headers: { ...req.headers }, httpVersion: req.httpVersion });
    handler(req, res);
  };
  let server;
  if (tls === 'h2') server = http2.createSecureServer({ cert, key, allowHTTP1: true }, wrapped);
  else if (tls === 'h1') server = https.createServer({ cert, key, ALPNProtocols: ['http/1.1'] }, wrapped);
  else server = http.createServer(wrapped);
  const sockets = new Set();
  server.on(tls ? 'secureConnection' : 'connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('session', (s) => sockets.add(s));
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    port, server, requests, url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

// Writes `total` bytes of a repeating pattern with content-length, honouring backpressure;
// `progress.sent` counts the bytes handed to the transport so far.
function streamPattern(res, total, progress = {}, chunkBytes = 64 * 1024) {
  const chunk = Buffer.alloc(chunkBytes);
  for (let i = 0; i < chunkBytes; i++) chunk[i] = 97 + (i % 26);
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(total) });
  let sent = 0;
  let stopped = false;
  const pump = () => {
    while (sent < total && !stopped) {
      const n = Math.min(chunkBytes, total - sent);
      sent += n;
      progress.sent = sent;
      if (!res.write(n === chunkBytes ? chunk : chunk.subarray(0, n))) return res.once('drain', pump);
    }
    if (!stopped) res.end();
  };
  res.on('close', () => (stopped = true)); // the relay went away
  pump();
}

// VmRSS of `pid` in bytes (Linux).
function rssBytes(pid) {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

module.exports = { watchResponses, startBareUpstream, streamPattern, rssBytes };
