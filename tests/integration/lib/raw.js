'use strict';
// Raw TCP helpers for HTTP edge cases the fetch API cannot express (exact bytes, slow senders).
const net = require('net');

class RawConnection {
  constructor(socket) {
    this.socket = socket;
    this.data = Buffer.alloc(0);
    this.closed = false;
    this.waiters = [];
    socket.on('data', (d) => {
      this.data = Buffer.concat([this.data, d]);
      this.notify();
    });
    socket.on('close', () => {
      this.closed = true;
      this.notify();
    });
    socket.on('error', () => {}); // a reset by the server shows up as close
  }

  notify() {
    for (const w of this.waiters.slice()) w();
  }

  get text() {
    return this.data.toString('latin1');
  }

  send(bytes) {
    return new Promise((resolve) => {
      if (this.closed || this.socket.destroyed) return resolve(false);
      this.socket.write(bytes, (err) => resolve(!err));
    });
  }

  // Resolves true once `predicate(text)` holds, false on close or timeout.
  waitFor(predicate, timeoutMs = 5000) {
    return new Promise((resolve) => {
      const check = () => {
        if (predicate(this.text)) return done(true);
        if (this.closed) return done(false);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      const done = (v) => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve(v);
      };
      this.waiters.push(check);
      check();
    });
  }

  // Resolves true if the peer closed the connection within `timeoutMs`.
  waitClose(timeoutMs = 5000) {
    return this.waitFor(() => false, timeoutMs).then(() => this.closed);
  }

  destroy() {
    this.socket.destroy();
  }
}

function connectRaw(port, host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => resolve(new RawConnection(socket)));
    socket.once('error', reject);
  });
}

// Sends `bytes` and reads until the server closes or `timeoutMs` passes: {text, closed}.
async function rawExchange(port, bytes, timeoutMs = 5000) {
  const conn = await connectRaw(port);
  await conn.send(bytes);
  const closed = await conn.waitClose(timeoutMs);
  conn.destroy();
  return { text: conn.text, closed };
}

// Splits a buffer of HTTP/1.1 responses into {status, headers, body} (Content-Length or chunked).
function parseResponses(text) {
  const out = [];
  let rest = text;
  while (rest.length) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const lines = rest.slice(0, end).split('\r\n');
    const status = Number(lines[0].split(' ')[1]);
    const headers = {};
    for (const l of lines.slice(1)) {
      const i = l.indexOf(':');
      headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    rest = rest.slice(end + 4);
    let body = '';
    if (status >= 100 && status < 200) {
      body = '';
    } else if (/chunked/i.test(headers['transfer-encoding'] || '')) {
      for (;;) {
        const nl = rest.indexOf('\r\n');
        if (nl < 0) break;
        const size = parseInt(rest.slice(0, nl), 16);
        body += rest.slice(nl + 2, nl + 2 + size);
        rest = rest.slice(nl + 2 + size + 2);
        if (size === 0 || Number.isNaN(size)) break;
      }
    } else {
      const len = Number(headers['content-length'] || 0);
      body = rest.slice(0, len);
      rest = rest.slice(len);
    }
    out.push({ status, headers, body });
  }
  return out;
}

module.exports = { connectRaw, rawExchange, parseResponses, RawConnection };
