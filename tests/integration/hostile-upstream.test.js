'use strict';
// The bad-input battery from the upstream side (issue 13): an upstream that answers garbage, an
// invalid event stream, a truncated chunked body, enormous headers, a gzip bomb or a response
// that never ends. Each gives the client a clear error in its format (or a visibly ended
// stream), the relay keeps serving another route meanwhile, and no descriptor is left behind.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const net = require('net');
const path = require('path');
const { spawnSync } = require('child_process');
const zlib = require('zlib');
const { startMockUpstream } = require('../mock/upstream');
const { connectRaw, readSse, assertAnthropicError } = require('./lib');
const { startClaudeEnv, api, servedBy } = require('./lib/claude-env');
const { proxyChain, startProxyRelay, postMessages, messagesBody, deltaText } = require('./lib/upstream-scenario');

// A plain TCP upstream: once a request's headers arrived, `respond(socket)` answers however it
// likes. Closed (with every socket) when the test ends.
async function rawUpstream(t, respond) {
  const sockets = new Set();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    let head = '';
    s.on('data', (d) => {
      if (head === null) return;
      head += d.toString('latin1');
      if (head.includes('\r\n\r\n')) {
        head = null;
        respond(s);
      }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    sockets.forEach((s) => s.destroy());
    return new Promise((r) => server.close(r));
  });
  return { url: `http://127.0.0.1:${server.address().port}`, sockets };
}

async function errorOf(res) {
  const r = { status: res.status, text: await res.text() };
  try {
    r.json = JSON.parse(r.text);
  } catch {
    r.json = undefined;
  }
  return r;
}

const openFds = (pid) => fs.readdirSync(`/proc/${pid}/fd`).length;

// A relay with '/bad' on the hostile upstream and '/good' on the mock.
async function battery(t, respond, server) {
  const hostile = await rawUpstream(t, respond);
  const mock = await startMockUpstream();
  t.after(() => mock.close());
  const relay = await startProxyRelay(t, {
    '/bad': proxyChain({ url: hostile.url, name: 'hostile' }),
    '/good': proxyChain({ url: mock.url, name: 'good' }),
  }, server ? { server } : {});
  await assertServing(relay, mock);
  const fdsBefore = openFds(relay.child.pid);
  return {
    relay, mock, hostile,
    // After the case: still serving, and the descriptors are back where they were.
    async healthy() {
      await assertServing(relay, mock);
      const deadline = Date.now() + 5000;
      while (openFds(relay.child.pid) > fdsBefore && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.ok(openFds(relay.child.pid) <= fdsBefore, `descriptors: ${fdsBefore} before, ${openFds(relay.child.pid)} after`);
    },
  };
}

async function assertServing(relay, mock) {
  mock.enqueue({ path: '/v1/messages', text: 'still fine' });
  const res = await postMessages(relay.url, '/good');
  assert.equal(res.status, 200);
  const events = await readSse(res);
  assert.equal(events.at(-1).event, 'message_stop');
  assert.equal(deltaText(events), 'still fine');
}

// The raw bytes of a streaming POST to the relay.
function rawStreamRequest(path) {
  const body = messagesBody(true);
  return `POST ${path} HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

const SSE_HEAD = 'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n';
const chunk = (s) => `${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n`;

test('garbage instead of HTTP: 502 in Anthropic format naming the upstream', async (t) => {
  const b = await battery(t, (s) => s.end('SSH-2.0-OpenSSH_9.6 this is not HTTP at all\r\n\r\n\x00\x01\x02'));
  const r = await errorOf(await postMessages(b.relay.url, '/bad'));
  assertAnthropicError(r, 502);
  assert.match(r.json.error.message, /hostile/);
  await b.healthy();
});

test('enormous response headers: 502 in Anthropic format, nothing buffered without bound', async (t) => {
  const b = await battery(t, (s) => {
    s.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n');
    const line = `x-filler: ${'a'.repeat(8000)}\r\n`;
    for (let i = 0; i < 200 && !s.destroyed; i++) s.write(line); // 1.6 MB of headers
    s.end('\r\n{}');
  });
  const r = await errorOf(await postMessages(b.relay.url, '/bad', { stream: false }));
  assertAnthropicError(r, 502);
  assert.match(r.json.error.message, /hostile/);
  await b.healthy();
});

test('a truncated chunked body: the client stream ends without a clean terminator', async (t) => {
  const b = await battery(t, (s) => {
    s.write(SSE_HEAD + chunk('event: message_start\ndata: {"type":"message_start"}\n\n'));
    s.end('40\r\nevent: content_block_delta\ndata: {"ty'); // a chunk cut short, then FIN
  });
  const conn = await connectRaw(b.relay.port);
  t.after(() => conn.destroy());
  await conn.send(rawStreamRequest('/bad/v1/messages'));
  assert.ok(await conn.waitClose(10000), 'the relay closed the client connection');
  assert.match(conn.text, /^HTTP\/1\.1 200/);
  assert.match(conn.text, /event: message_start/);
  assert.ok(!conn.text.endsWith('\r\n0\r\n\r\n'), `no final zero-length chunk; tail: ${JSON.stringify(conn.text.slice(-80))}`);
  await b.healthy();
});

test('a gzip bomb: the expansion is refused, the relay stays small and serving', async (t) => {
  const bomb = zlib.gzipSync(Buffer.alloc(256 * 1024 * 1024)); // 256 MiB of zeros in ~250 KB
  const b = await battery(t, (s) => {
    s.end(Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n' +
      `content-encoding: gzip\r\ncontent-length: ${bomb.length}\r\n\r\n`), bomb]));
  });
  const rssBefore = rssKiB(b.relay.child.pid);
  const conn = await connectRaw(b.relay.port);
  t.after(() => conn.destroy());
  const body = messagesBody(false);
  await conn.send(`POST /bad/v1/messages HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  assert.ok(await conn.waitClose(20000), 'the relay ended the answer');
  assert.ok(conn.data.length < 64 * 1024 * 1024, `the client got ${conn.data.length} bytes, not the bomb`);
  if (/^HTTP\/1\.1 502/.test(conn.text)) assert.match(conn.text, /"type":"error"/);
  else assert.ok(!conn.text.endsWith('\r\n0\r\n\r\n'), 'a cut answer is not presented as complete');
  assert.ok(rssKiB(b.relay.child.pid) - rssBefore < 128 * 1024, 'RSS did not grow by the bomb');
  await b.healthy();
});

test('a response that never ends: cut after body_idle_timeout_seconds, others served meanwhile', async (t) => {
  const b = await battery(t, (s) => s.write(SSE_HEAD + chunk('event: message_start\ndata: {"type":"message_start"}\n\n')),
    { body_idle_timeout_seconds: 2 });
  const conn = await connectRaw(b.relay.port);
  t.after(() => conn.destroy());
  await conn.send(rawStreamRequest('/bad/v1/messages'));
  assert.ok(await conn.waitFor((s) => s.includes('event: message_start'), 5000), 'the stream started');
  await assertServing(b.relay, b.mock); // while the silent stream hangs
  const started = Date.now();
  assert.ok(await conn.waitClose(10000), 'the relay gave up on the silent upstream');
  assert.ok(Date.now() - started < 8000);
  assert.ok(!conn.text.endsWith('\r\n0\r\n\r\n'), 'no clean terminator');
  const deadline = Date.now() + 3000;
  while (b.hostile.sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.equal(b.hostile.sockets.size, 0, 'the upstream connection was closed');
  await b.healthy();
});

test('an invalid event stream through a Claude account: the bytes pass, the stream ends, no usage invented', async (t) => {
  const hostile = await rawUpstream(t, (s) => {
    s.write(SSE_HEAD);
    s.write(chunk('event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":'));
    s.write(chunk(`\ndata: ${'['.repeat(100000)}\n\n`)); // deep JSON in an event
    s.write(chunk('event: message_delta\ndata: {"usage":{"output_tokens":1e999999}}\n\n'));
    s.write(chunk('\x00\xff garbage without any field\n\n'));
    s.write(chunk(`data: ${'x'.repeat(1024 * 1024)}`)); // an unterminated 1 MiB line
    s.end('0\r\n\r\n');
  });
  const env = await startClaudeEnv(t, { accounts: [api('weird', { api_url: hostile.url, ca_file: undefined })] });
  const { res, calls } = await env.message({ stream: true });
  assert.equal(res.status, 200);
  assert.equal(servedBy(calls), undefined); // the mock never saw it: the raw upstream answered
  const text = res.text;
  assert.match(text, /event: message_start/);
  assert.ok(text.length > 1024 * 1024, 'every byte was forwarded');
  const health = await fetch(`${env.url}/health`);
  assert.equal(health.status, 200);
  await health.arrayBuffer();
  assert.equal(await env.relay.stop('SIGTERM'), 0, 'a clean exit after the stream');
  const usage = spawnSync('sqlite3', [path.join(env.dir, 'relay.db'),
    "SELECT coalesce(sum(requests), 0) || ' ' || coalesce(max(input_tokens + output_tokens), 0) FROM usage_hourly;"], { encoding: 'utf8' });
  assert.equal(usage.status, 0, usage.stderr);
  const [rows, most] = usage.stdout.trim().split(' ').map(Number);
  assert.equal(rows, 1, 'the request was recorded');
  assert.ok(most < 1e6, `no absurd token count was recorded (${most})`);
});

function rssKiB(pid) {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line.split(/\s+/)[1]);
}
