'use strict';
// The network path of a relayed request, through the built-in chain with a claude-api account on
// a plain HTTP upstream (the benchmark's set-up): the request body goes upstream intact on a
// pooled connection that later requests reuse; answers reach a client that stops reading for a
// while byte for byte, a length-delimited one keeping its length, one without a length chunked.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('crypto');
const net = require('net');
const { makeCerts, makeTempDir, startRelay } = require('./lib');
const { startBareUpstream, rssBytes } = require('./lib/upstream-probes');

const KEY = 'relay-key-response-path';
const MB = 1024 * 1024;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const sha = (buf) => crypto.createHash('sha256').update(buf).digest('hex');

async function startRelayFor(t, upstream, caFile) {
  const account = { type: 'claude-api', id: 'plain', api_key: 'sk-ant-api03-response-path', api_url: upstream.url };
  if (caFile) account.ca_file = caFile;
  return startRelay(t, makeTempDir(t), { api_keys: [KEY], accounts: [account] });
}

const messages = (text) => JSON.stringify({
  model: 'claude-sonnet-4-5', max_tokens: 16, stream: false,
  messages: [{ role: 'user', content: text }],
});

const requestHead = (body, extra = '') => 'POST /v1/messages HTTP/1.1\r\nHost: relay\r\n' +
  `x-api-key: ${KEY}\r\ncontent-type: application/json\r\nanthropic-version: 2023-06-01\r\n` +
  `content-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n`;

// Sends one request on a fresh socket, reads nothing for `pauseMs`, then everything until the
// relay closes (the request asks for connection: close). Resolves with the raw bytes.
function rawAfterPause(port, bytes, pauseMs) {
  return new Promise((resolve, reject) => {
    const parts = [];
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.pause();
      socket.write(bytes);
      setTimeout(() => socket.resume(), pauseMs);
    });
    socket.on('data', (d) => parts.push(d));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(parts)));
  });
}

function splitResponse(raw) {
  const end = raw.indexOf('\r\n\r\n');
  assert.ok(end > 0, 'a response head arrived');
  return { head: raw.subarray(0, end).toString('latin1'), body: raw.subarray(end + 4) };
}

function dechunk(buf) {
  const parts = [];
  let at = 0;
  for (;;) {
    const nl = buf.indexOf('\r\n', at);
    assert.ok(nl >= 0, 'the chunked body is complete');
    const size = parseInt(buf.subarray(at, nl).toString('latin1'), 16);
    if (!size) break;
    parts.push(buf.subarray(nl + 2, nl + 2 + size));
    assert.equal(buf.subarray(nl + 2 + size, nl + 4 + size).toString('latin1'), '\r\n');
    at = nl + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

test('request bodies reach the upstream intact, and one pooled upstream connection serves sequential requests', async (t) => {
  const received = [];
  const upstream = await startBareUpstream({}, (req, res) => {
    const parts = [];
    req.on('data', (d) => parts.push(d));
    req.on('end', () => {
      received.push(Buffer.concat(parts));
      const body = JSON.stringify({ id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5',
        content: [{ type: 'text', text: 'ok' }], stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 1 } });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  let connections = 0;
  upstream.server.on('connection', () => connections++);
  t.after(() => upstream.close());
  const relay = await startRelayFor(t, upstream);

  // Small bodies and one far larger than a socket takes at once.
  const sizes = [200, 20 * 1024, 3 * MB, 300, 64 * 1024, 100];
  const sent = [];
  for (const [i, size] of sizes.entries()) {
    const body = messages(`request ${i} ` + crypto.randomBytes(Math.ceil(size * 0.75)).toString('base64').slice(0, size));
    sent.push(body);
    const res = await fetch(`${relay.url}/v1/messages`, {
      method: 'POST', headers: { 'x-api-key': KEY, 'content-type': 'application/json' }, body,
    });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal((await res.json()).content[0].text, 'ok');
  }
  assert.equal(received.length, sizes.length);
  sent.forEach((body, i) => assert.equal(sha(received[i]), sha(Buffer.from(body)), `body ${i} arrived intact`));
  assert.equal(connections, 1, 'every request went over the first upstream connection');
});

test('a large answer with a length reaches a client that paused reading, byte for byte and not re-chunked', { timeout: 60000 }, async (t) => {
  const payload = Buffer.from(JSON.stringify({ id: 'msg_big', type: 'message', role: 'assistant',
    content: [{ type: 'text', text: crypto.randomBytes(6 * MB).toString('base64') }],
    usage: { input_tokens: 3, output_tokens: 5 } }));
  const upstream = await startBareUpstream({}, (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(payload.length) });
      res.end(payload);
    });
  });
  t.after(() => upstream.close());
  const relay = await startRelayFor(t, upstream);

  const body = messages('send the big one');
  const raw = await rawAfterPause(relay.port, requestHead(body, 'connection: close\r\n') + body, 1500);
  const { head, body: got } = splitResponse(raw);
  assert.match(head, /^HTTP\/1\.1 200/);
  assert.match(head, new RegExp(`\r\ncontent-length: ${payload.length}(\r|$)`, 'i'));
  assert.doesNotMatch(head, /transfer-encoding/i);
  assert.equal(got.length, payload.length);
  assert.equal(sha(got), sha(payload), 'every byte arrived in order');
});

test('an answer of many small pieces without a length arrives chunked, complete and in order', { timeout: 60000 }, async (t) => {
  const events = [];
  for (let i = 0; i < 3000; i++) events.push(`event: ping\ndata: {"type":"ping","n":${i},"pad":"${'x'.repeat(i % 97)}"}\n\n`);
  const upstream = await startBareUpstream({}, (req, res) => {
    req.resume();
    req.on('end', async () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < events.length; i++) {
        res.write(events[i]);
        if (i % 500 === 499) await sleep(20); // several reads' worth, some while the client waits
      }
      res.end();
    });
  });
  t.after(() => upstream.close());
  const relay = await startRelayFor(t, upstream);

  const body = messages('stream pieces');
  const raw = await rawAfterPause(relay.port, requestHead(body, 'connection: close\r\n') + body, 500);
  const { head, body: framed } = splitResponse(raw);
  assert.match(head, /^HTTP\/1\.1 200/);
  assert.match(head, /\r\ntransfer-encoding: chunked/i);
  assert.equal(dechunk(framed).toString('utf8'), events.join(''));
});

test('keep-alive: answers on one client connection follow each other whole, pipelined requests included', async (t) => {
  let n = 0;
  const upstream = await startBareUpstream({}, (req, res) => {
    req.resume();
    req.on('end', () => {
      const text = `answer-${n++}-` + 'y'.repeat(30000);
      const body = JSON.stringify({ type: 'message', content: [{ type: 'text', text }] });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  t.after(() => upstream.close());
  const relay = await startRelayFor(t, upstream);

  const body = messages('again');
  const one = requestHead(body) + body;
  const last = requestHead(body, 'connection: close\r\n') + body;
  const raw = await rawAfterPause(relay.port, one + one + last, 300);
  const texts = [];
  let rest = raw;
  while (rest.length > 0) {
    const { head, body: after } = splitResponse(rest);
    assert.match(head, /^HTTP\/1\.1 200/);
    const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)[1]);
    texts.push(JSON.parse(after.subarray(0, length).toString('utf8')).content[0].text);
    rest = after.subarray(length);
  }
  assert.deepEqual(texts.map((s) => s.slice(0, 9)), ['answer-0-', 'answer-1-', 'answer-2-']);
  for (const s of texts) assert.equal(s.length, 9 + 30000);
});

for (const tls of [undefined, 'h2']) {
  const over = tls ? 'an HTTP/2 (TLS) upstream' : 'a plain HTTP/1.1 upstream';
  test(`a streaming answer does not keep the request body (${over}): 20 open streams of 1 MB requests hold far less than 20 MB`, { timeout: 60000 }, async (t) => {
    const open = [];
    const certs = tls ? makeCerts(makeTempDir(t)) : {};
    const upstream = await startBareUpstream({ tls, cert: certs.cert, key: certs.key }, (req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('event: ping\ndata: {"type":"ping"}\n\n');
        open.push(res); // held open until the test ends it
      });
    });
    t.after(() => upstream.close());
    const relay = await startRelayFor(t, upstream, certs.caFile);
    const body = JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 16, stream: true,
      messages: [{ role: 'user', content: 'z'.repeat(MB) }] });
    const startStream = async () => {
      const res = await fetch(`${relay.url}/v1/messages`, {
        method: 'POST', headers: { 'x-api-key': KEY, 'content-type': 'application/json' }, body,
      });
      assert.equal(res.status, 200);
      const reader = res.body.getReader();
      const first = await reader.read();
      assert.match(Buffer.from(first.value).toString(), /ping/);
      return reader;
    };
    const drain = async (reader) => {
      while (!(await reader.read()).done);
    };

    // One stream first, so that what the code and the allocator keep anyway is in the baseline.
    const warm = await startStream();
    open.shift().end();
    await drain(warm);
    const before = rssBytes(relay.child.pid);
    const readers = [];
    for (let i = 0; i < 20; i++) readers.push(await startStream());
    const growth = rssBytes(relay.child.pid) - before;
    t.diagnostic(`relay RSS growth with 20 open streams: ${(growth / MB).toFixed(2)} MB`);
    for (const res of open.splice(0)) res.end();
    await Promise.all(readers.map(drain));
    assert.ok(growth < 8 * MB, `20 open streams grew the relay by ${(growth / MB).toFixed(1)} MB`);
  });
}
