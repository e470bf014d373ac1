'use strict';
// A throwaway CA and a server certificate for 127.0.0.1/localhost, made with the openssl CLI,
// so TLS upstreams in tests are verified against a real chain.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

function openssl(args, cwd) {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

// Returns {caFile, certFile, keyFile, ca, cert, key} (PEM strings and their paths in `dir`).
function makeCerts(dir, hostnames = ['localhost']) {
  const days = '2';
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', 'ca.key', '-out', 'ca.pem', '-days', days, '-subj', '/CN=relay test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', 'server.key', '-out', 'server.csr', '-subj', `/CN=${hostnames[0]}`], dir);
  const san = ['IP:127.0.0.1', ...hostnames.map((h) => `DNS:${h}`)].join(',');
  fs.writeFileSync(path.join(dir, 'server.ext'),
    `subjectAltName=${san}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`);
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'server.pem', '-days', days, '-extfile', 'server.ext'], dir);
  const file = (name) => path.join(dir, name);
  return {
    caFile: file('ca.pem'), certFile: file('server.pem'), keyFile: file('server.key'),
    ca: fs.readFileSync(file('ca.pem'), 'utf8'), cert: fs.readFileSync(file('server.pem'), 'utf8'),
    key: fs.readFileSync(file('server.key'), 'utf8'),
  };
}

module.exports = { makeCerts };
