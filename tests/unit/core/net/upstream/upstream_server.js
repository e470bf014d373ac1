// Test upstream for unit_upstream, written against Node's own HTTP stacks (not our code).
// Usage: node upstream_server.js <dir with server.key/server.pem>. Reports events as JSON lines.
'use strict';
const fs = require('fs');
const http = require('http');
const https = require('https');
const tls = require('tls');
const http2 = require('http2');
const zlib = require('zlib');

const dir = process.argv[2];
const tlsOpts = { key: fs.readFileSync(dir + '/server.key'), cert: fs.readFileSync(dir + '/server.pem') };
const log = (o) => process.stdout.write(JSON.stringify(o) + '\n');
let connSeq = 0;
const sockets = new Map();  // relayId -> the real socket (HTTP/2 only exposes a guarded proxy)
const sseWaiting = [];

function socketOf(req) {
  const id = req.httpVersion === '2.0' ? req.stream.session.socket.relayId : req.socket.relayId;
  return sockets.get(id);
}

function streamBig(req, res, total) {
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  const chunk = Buffer.alloc(16384, 120);
  let written = 0;
  const pump = () => {
    while (written < total) {
      written += chunk.length;
      if (written % (1024 * 1024) === 0) log({ event: 'big_progress', written });
      if (!res.write(chunk)) return res.once('drain', pump);
    }
    res.end(() => log({ event: 'big_done', written }));
  };
  pump();
}

const routes = {
  '/hello': (req, res) => {
    const body = 'hello over ' + req.httpVersion;
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body),
                         'x-upstream': 'node' });
    res.end(body);
  },
  '/echo': (req, res) => {
    const parts = [];
    req.on('data', (d) => parts.push(d));
    req.on('end', () => {
      const body = JSON.stringify({ method: req.method, body: Buffer.concat(parts).toString(),
                                    headers: req.headers });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
  },
  '/chunked': (req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('part1-');
    setTimeout(() => { res.write('part2-'); setTimeout(() => res.end('part3'), 10); }, 10);
  },
  '/close-delimited': (req, res) => {
    // HTTP/1.0-style: no length, no chunking; the body ends when the socket closes.
    const sock = socketOf(req);
    sock.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\nuntil-eof');
    sock.end();
  },
  '/sse': (req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write('data: one\n\n');
    log({ event: 'sse_sent', n: 1 });
    sseWaiting.push(() => { res.end('data: two\n\n'); log({ event: 'sse_sent', n: 2 }); });
  },
  '/sse-burst': (req, res) => {
    // Raw chunked HTTP/1.1: the head and three events leave in one write, the fourth event and
    // the end of the body in another, after /release.
    const sock = socketOf(req);
    const chunk = (s) => Buffer.byteLength(s).toString(16) + '\r\n' + s + '\r\n';
    sock.write('HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n' +
               'transfer-encoding: chunked\r\n\r\n' + chunk('data: one\n\n') +
               chunk('data: two\n\n') + chunk('data: three\n\n'));
    log({ event: 'sse_sent', n: 3 });
    sseWaiting.push(() => {
      sock.end(chunk('data: four\n\n') + '0\r\n\r\n');
      log({ event: 'sse_sent', n: 4 });
    });
  },
  '/release': (req, res) => {
    while (sseWaiting.length) sseWaiting.shift()();
    res.end('released');
  },
  '/huge-headers': (req, res) => {
    // 2000 copies of one header: HPACK sends each as an index, so the block is small while the
    // headers it decodes to are about 100 KB.
    res.writeHead(200, { 'content-type': 'text/plain', 'x-pad': Array(2000).fill('p'.repeat(40)) });
    res.end('body');
  },
  '/gzip-bomb': (req, res) => {
    const gz = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024));  // 64 MB of zeros, ~64 KB sent
    res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': gz.length,
                         'content-type': 'application/octet-stream' });
    res.end(gz);
  },
  '/gzip': (req, res) => {
    const plain = 'compressed payload '.repeat(2000);
    const gz = zlib.gzipSync(plain);
    res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': gz.length,
                         'content-type': 'text/plain' });
    res.end(gz);
  },
  '/arm-kill': (req, res) => {
    socketOf(req).killNext = true;
    res.end('armed');
  },
  '/goaway': (req, res) => {
    // Answers, then tells the client to go elsewhere for new streams (GOAWAY) and closes.
    res.end('going away', () => req.stream.session.close());
  },
  '/big-h1': (req, res) => streamBig(req, res, 64 * 1024 * 1024),
  '/big-h2': (req, res) => streamBig(req, res, 16 * 1024 * 1024),
  '/slow-headers': () => {},
  // A raw HTTP/1.1 head in pieces, cut inside names and values, after a 100 Continue, with an
  // empty value: the connection puts each header together where it stays.
  '/split-head': (req) => {
    const sock = socketOf(req);
    const pieces = ['HTTP/1.1 100 Continue\r\nx-inf', 'o: 1\r\n\r\nHTTP/1.1 200 OK\r\nx-em',
                    'pty:\r\nX-Sp', 'lit-Name: val', 'ue-in-pieces\r\ncontent-length: 2\r\n',
                    '\r\nok'];
    pieces.forEach((p, i) => setTimeout(() => sock.write(p), 15 * i));
  },
  '/idle': (req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.write('first'); },
  '/forever': (req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const timer = setInterval(() => res.write('data: tick\n\n'), 20);
    (req.stream || res).on('close', () => clearInterval(timer));
  },
  '/die': (req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 1000 });
    res.write('partial');
    setTimeout(() => { log({ event: 'killed', path: '/die' }); socketOf(req).destroy(); }, 50);
  },
};

function handler(server) {
  return (req, res) => {
    const sock = socketOf(req) || {};
    const path = req.url.split('?')[0];
    if (sock.killNext) {
      log({ event: 'killed', server, path, conn: sock.relayId });
      return sock.destroy();
    }
    log({ event: 'request', server, path, version: req.httpVersion, conn: sock.relayId,
          method: req.method, accept_encoding: req.headers['accept-encoding'] || '' });
    // An exchange that ends before the response did: the client went away (RST or close).
    const onClose = () => {
      if (!res.writableEnded) {
        log({ event: 'aborted', server, path, version: req.httpVersion,
              rst: req.stream ? req.stream.rstCode : null });
      }
    };
    if (req.stream) req.stream.on('close', onClose); else res.on('close', onClose);
    (routes[path] || ((q, r) => { r.writeHead(404); r.end('no route'); }))(req, res);
  };
}

function tag(server, sock) {
  sock.relayId = ++connSeq;
  sockets.set(sock.relayId, sock);
  sock.on('close', () => sockets.delete(sock.relayId));
  log({ event: 'connection', server, conn: sock.relayId, alpn: sock.alpnProtocol || '' });
}

// HTTP/2 written frame by frame, for what Node's own stack never does: several DATA frames of
// one stream in one TLS record. Answers the first request (whatever it asks) with HEADERS and
// the DATA frames "data: one", "data: two", "data: three" in one write, then 100 ms later
// "data: four" and the end of the stream.
function frame(type, flags, stream, payload) {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(stream, 5);
  return Buffer.concat([head, payload]);
}
function h2Frames(sock) {
  let input = Buffer.alloc(0);
  let answered = false;
  sock.on('error', () => {});
  sock.on('data', (d) => {
    input = Buffer.concat([input, d]);
    let at = 24;  // the client preface
    while (!answered && input.length >= at + 9) {
      const len = input.readUIntBE(at, 3);
      const type = input[at + 3];
      const stream = input.readUInt32BE(at + 5) & 0x7fffffff;
      if (input.length < at + 9 + len) return;
      at += 9 + len;
      if (type !== 1) continue;  // HEADERS: the request
      answered = true;
      const data = (s, flags) => frame(0, flags, stream, Buffer.from(s));
      sock.write(Buffer.concat([frame(4, 0, 0, Buffer.alloc(0)), frame(4, 1, 0, Buffer.alloc(0)),
                                frame(1, 4, stream, Buffer.from([0x88])),  // :status 200
                                data('data: one\n\n', 0), data('data: two\n\n', 0),
                                data('data: three\n\n', 0)]));
      log({ event: 'sse_sent', n: 3 });
      setTimeout(() => {
        sock.write(data('data: four\n\n', 1));
        log({ event: 'sse_sent', n: 4 });
      }, 100);
    }
  });
}

const servers = {
  h2: http2.createSecureServer({ ...tlsOpts, allowHTTP1: true, maxSendHeaderBlockLength: 1024 * 1024 }, handler('h2')),
  h1tls: https.createServer({ ...tlsOpts, ALPNProtocols: ['http/1.1'] }, handler('h1tls')),
  plain: http.createServer(handler('plain')),
  h2frames: tls.createServer({ ...tlsOpts, ALPNProtocols: ['h2'] }, h2Frames),
};
servers.h2.on('secureConnection', (s) => tag('h2', s));
servers.h1tls.on('secureConnection', (s) => tag('h1tls', s));
servers.plain.on('connection', (s) => tag('plain', s));

const ports = {};
let pending = Object.keys(servers).length;
for (const [name, server] of Object.entries(servers)) {
  server.listen(0, '127.0.0.1', () => {
    ports[name] = server.address().port;
    if (--pending === 0) log({ event: 'listening', ...ports });
  });
}
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
