'use strict';
// A throwaway CA and a server certificate valid ONLY for the given DNS names (no IP SAN, unlike
// certs.js), for tests where the relay must refuse a certificate that does not name its target.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

function openssl(args, cwd) {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

// Returns {caFile, certFile, keyFile, ca, cert, key}; files are written to `dir`.
function makeNamedCerts(dir, hostnames) {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'named-ca.key', '-out', 'named-ca.pem', '-days', '2',
    '-subj', '/CN=relay named test CA', '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  openssl(['req', ...ec, '-keyout', 'named.key', '-out', 'named.csr', '-subj', `/CN=${hostnames[0]}`], dir);
  fs.writeFileSync(path.join(dir, 'named.ext'), `subjectAltName=${hostnames.map((h) => `DNS:${h}`).join(',')}\n` +
    'extendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
  openssl(['x509', '-req', '-in', 'named.csr', '-CA', 'named-ca.pem', '-CAkey', 'named-ca.key',
    '-CAcreateserial', '-out', 'named.pem', '-days', '2', '-extfile', 'named.ext'], dir);
  const file = (name) => path.join(dir, name);
  const read = (name) => fs.readFileSync(file(name), 'utf8');
  return {
    caFile: file('named-ca.pem'), certFile: file('named.pem'), keyFile: file('named.key'),
    ca: read('named-ca.pem'), cert: read('named.pem'), key: read('named.key'),
  };
}

module.exports = { makeNamedCerts };
