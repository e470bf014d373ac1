'use strict';
// A loopback "proxy" that refuses everything and records who asked. The CLI under test gets it as
// HTTPS_PROXY/HTTP_PROXY (loopback in NO_PROXY), so any attempt to reach a host other than the
// relay lands here instead of on the internet, fails fast, and can be asserted on.
const net = require('net');

async function startEgressTrap(t) {
  const attempts = [];
  const sockets = new Set();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let head = '';
    socket.on('data', (d) => {
      head += d.toString('latin1');
      const line = head.split('\r\n')[0];
      if (!head.includes('\r\n')) return;
      attempts.push(line.replace(/\s+HTTP\/\d(\.\d)?$/, '')); // "CONNECT host:443" or "GET http://host/..."
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const trap = { url: `http://127.0.0.1:${server.address().port}`, attempts };
  t.after(() => {
    for (const s of sockets) s.destroy();
    return new Promise((resolve) => server.close(() => resolve()));
  });
  return trap;
}

module.exports = { startEgressTrap };
