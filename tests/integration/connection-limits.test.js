'use strict';
// A request body that stalls after its headers (body_idle_timeout_seconds -> 408 and closed), and
// server.max_connections (one connection too many gets 503 at once; the others are served).
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const { makeTempDir, startRelay, connectRaw, parseResponses, metricValue } = require('./lib');

const KEY = 'k1-conn-limits';
const MAX = 3;
let relay;
let dir;
test.before(async () => {
  dir = makeTempDir(null);
  relay = await startRelay(null, dir, {
    api_keys: [KEY],
    server: { body_idle_timeout_seconds: 1, header_timeout_seconds: 30, max_connections: MAX },
  });
});
test.after(async () => {
  if (relay) await relay.stop('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

const GET_HEALTH = 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Opens a connection and sends one GET /health: {conn, status} of its answer.
async function openOne() {
  const conn = await connectRaw(relay.port);
  await conn.send(GET_HEALTH);
  assert.ok(await conn.waitFor((t) => parseResponses(t).length === 1 && parseResponses(t)[0].body.length > 0), conn.text);
  return { conn, res: parseResponses(conn.text)[0] };
}

test('a body that stalls after the headers: 408 and closed after body_idle_timeout_seconds', async () => {
  const conn = await connectRaw(relay.port);
  const started = Date.now();
  await conn.send(`POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: ${KEY}\r\ncontent-type: application/json\r\nContent-Length: 100\r\n\r\n{"model":`);
  const closed = await conn.waitClose(6000);
  conn.destroy();
  const elapsed = Date.now() - started;
  assert.ok(closed, `closed by the relay: ${conn.text}`);
  assert.ok(elapsed >= 900 && elapsed < 4000, `closed after ${elapsed} ms`);
  const [res] = parseResponses(conn.text);
  assert.equal(res.status, 408, conn.text);
  assert.equal(res.headers.connection, 'close');
  assert.equal(JSON.parse(res.body).type, 'error', 'in the route\'s (Anthropic) error format');
});

test('a body that keeps trickling within the idle timeout is read whole', async () => {
  const body = JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
  const conn = await connectRaw(relay.port);
  await conn.send(`POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: ${KEY}\r\ncontent-type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
  const parts = [body.slice(0, 20), body.slice(20, 40), body.slice(40)];
  for (const p of parts) {
    await sleep(600); // 1.8 s in all: longer than the timeout, but no single silence is
    await conn.send(p);
  }
  assert.ok(await conn.waitFor((t) => parseResponses(t).length === 1, 5000), conn.text);
  conn.destroy();
  assert.equal(parseResponses(conn.text)[0].status, 503, 'read whole (no accounts -> 503), not 408');
});

test(`connection ${MAX + 1} gets 503 with connection: close and retry-after: 1; the others keep working`, async () => {
  // The start-up health probe's keep-alive connection may still count, so fill up to the refusal.
  const open = [];
  let refused;
  let extra;
  for (let i = 0; i <= MAX && !refused; ++i) {
    const { conn, res } = await openOne();
    if (res.status === 200) open.push(conn);
    else [refused, extra] = [res, conn];
  }
  assert.ok(refused, 'one connection beyond the limit is refused');
  assert.ok(open.length >= 1 && open.length <= MAX, `${open.length} served before the refusal`);
  assert.equal(refused.status, 503, extra.text);
  assert.equal(refused.headers.connection, 'close');
  assert.equal(refused.headers['retry-after'], '1');
  assert.equal(JSON.parse(refused.body).type, 'error');
  assert.ok(await extra.waitClose(3000), 'the refused connection is closed by the relay');
  extra.destroy();

  // Existing connections are still served, on the same sockets.
  for (const conn of open) {
    await conn.send(GET_HEALTH);
    assert.ok(await conn.waitFor((t) => parseResponses(t).length === 2), conn.text);
    assert.equal(parseResponses(conn.text)[1].status, 200);
  }
  // A slot freed by a closed connection is usable again.
  open.pop().destroy();
  let again;
  for (let i = 0; i < 40 && !again; ++i) {
    await sleep(50);
    const conn = await connectRaw(relay.port);
    await conn.send(GET_HEALTH);
    await conn.waitFor((t) => parseResponses(t).length === 1, 2000);
    if (parseResponses(conn.text)[0]?.status === 200) again = conn;
    else conn.destroy();
  }
  assert.ok(again, 'a new connection is served once one closed');
  again.destroy();
  for (const conn of open) conn.destroy();

  const metrics = await (await fetch(`${relay.url}/metrics`)).text();
  assert.ok(metricValue(metrics, 'relay_refused_connections_total') >= 1, metrics);
});
