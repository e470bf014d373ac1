'use strict';
// Small helpers shared by the mock upstream's handlers; work for http/1 and the http2 compat API.

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// The credential a client presented, in the order the real APIs accept them.
function credentialOf(headers, url) {
  if (headers['x-api-key']) return String(headers['x-api-key']);
  const auth = headers.authorization;
  if (auth && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, '');
  if (headers['x-goog-api-key']) return String(headers['x-goog-api-key']);
  const key = url.searchParams.get('key');
  return key === null ? undefined : key;
}

// Plain object copy of the request headers without HTTP/2 pseudo-headers.
function plainHeaders(headers) {
  const out = {};
  for (const [k, v] of Object.entries(headers)) if (!k.startsWith(':')) out[k] = v;
  return out;
}

function sendJson(res, status, obj, headers = {}) {
  const body = JSON.stringify(obj);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Cut the connection (or the HTTP/2 stream) without a clean end.
function killResponse(res) {
  if (res.stream) {
    const { constants } = require('http2');
    res.stream.close(constants.NGHTTP2_INTERNAL_ERROR);
  } else if (res.socket) {
    res.socket.destroy();
  }
}

module.exports = { readBody, parseJson, credentialOf, plainHeaders, sendJson, sleep, killResponse };
