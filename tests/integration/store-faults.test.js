'use strict';
// Store faults (issue 13): a locked database (another process holds the write lock) does not
// stop requests; the failed writes are logged and counted in /metrics, and writing resumes once
// the lock is gone. kill -9 under load, then restart: the database passes integrity_check and the
// account's rotated token is intact.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const { startClaudeEnv, oauth, api, servedBy } = require('./lib/claude-env');
const { request } = require('./lib/http');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A sqlite3 shell holding the database's write lock until release().
async function holdWriteLock(t, dbFile) {
  const shell = spawn('sqlite3', [dbFile], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  shell.stdout.on('data', (d) => (out += d));
  shell.stderr.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => shell.on('exit', resolve));
  t.after(() => shell.kill('SIGKILL'));
  shell.stdin.write("BEGIN EXCLUSIVE;\nINSERT INTO usage_records SELECT * FROM usage_records WHERE 0;\nSELECT 'lock-held';\n");
  const deadline = Date.now() + 5000;
  while (!out.includes('lock-held')) {
    if (Date.now() > deadline) throw new Error(`sqlite3 did not take the lock: ${out}`);
    await sleep(20);
  }
  return {
    async release() {
      shell.stdin.end('COMMIT;\n.quit\n');
      await exited;
    },
  };
}

// Requests counted in the hourly usage sums (the workers flush them every second).
function usageRows(dbFile) {
  const r = spawnSync('sqlite3', [dbFile, 'SELECT coalesce(sum(requests), 0) FROM usage_hourly;'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout.trim());
}

function metricValue(text, name, labels) {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

test('a locked database: requests are served, the failed writes are logged and counted', async (t) => {
  const env = await startClaudeEnv(t, { accounts: [api('plain')] });
  const dbFile = path.join(env.dir, 'relay.db');
  assert.equal((await env.message()).res.status, 200);

  const lock = await holdWriteLock(t, dbFile);
  const started = Date.now();
  for (let i = 0; i < 3; i++) {
    const { res, calls } = await env.message();
    assert.equal(res.status, 200, res.text);
    assert.equal(servedBy(calls), 'plain');
  }
  assert.ok(Date.now() - started < 4000, 'requests did not wait for the store');

  // The store waits out its busy timeout (5 s), then gives the batch up and says so.
  await env.relay.waitForStderr(/store batch of \d+ jobs failed on .*database is locked/, 15000);
  const metrics = await request(`${env.url}/metrics`);
  assert.equal(metrics.status, 200);
  assert.ok(metricValue(metrics.text, 'relay_store_errors_total', 'reason="locked"') >= 1, metrics.text);
  assert.equal((await env.message()).res.status, 200, 'still serving after the failure');

  await lock.release();
  const before = usageRows(dbFile);
  assert.equal((await env.message()).res.status, 200);
  const deadline = Date.now() + 10000;
  while (usageRows(dbFile) <= before) {
    assert.ok(Date.now() < deadline, 'usage is written again once the lock is gone');
    await sleep(100);
  }
});

test('kill -9 under load, then restart: integrity_check ok, the rotated token intact', async (t) => {
  const env = await startClaudeEnv(t, { accounts: [oauth('durable')], config: { server: { workers: 2 } } });
  const dbFile = path.join(env.dir, 'relay.db');
  assert.equal((await env.message()).res.status, 200);
  assert.equal(env.mock.refreshCount('durable'), 1);

  // Load: clients keep sending until the relay dies under them.
  let stop = false;
  let served = 0;
  const client = async () => {
    while (!stop) {
      try {
        if ((await env.message()).res.status === 200) served++;
      } catch {
        // the relay was killed mid-request
      }
    }
  };
  const clients = Array.from({ length: 8 }, client);
  // Longer than the usage flush interval (1 s), so some usage was handed to the store.
  const loadStart = Date.now();
  while (served < 40 || Date.now() - loadStart < 1500) await sleep(10);
  assert.equal(await env.relay.stop('SIGKILL'), 'SIGKILL');
  stop = true;
  await Promise.all(clients);

  const check = spawnSync('sqlite3', [dbFile, 'PRAGMA integrity_check;'], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
  assert.equal(check.stdout.trim(), 'ok');

  env.mock.oauth.revokeAccessTokens('durable'); // force a refresh with the stored token
  const mark = env.mark();
  await env.startRelay();
  const { res, calls } = await env.message();
  assert.equal(res.status, 200, `${res.text}\n${env.relay.stderr}`);
  assert.equal(servedBy(calls), 'durable');
  assert.equal(env.mock.oauth.rejectedRefreshes, 0, 'the stored (rotated) refresh token was live');
  assert.ok(env.since(mark, '/v1/oauth/token').length >= 1, 'the account refreshed after the restart');
  assert.ok(usageRows(dbFile) >= 1, 'usage rows survived');
});

test('a refresh during a store fault: served, logged and counted; the rotated token reaches the disk later', async (t) => {
  const env = await startClaudeEnv(t, { accounts: [oauth('rot')] });
  const dbFile = path.join(env.dir, 'relay.db');
  assert.equal((await env.message()).res.status, 200);
  assert.equal(env.mock.refreshCount('rot'), 1);

  const lock = await holdWriteLock(t, dbFile);
  // The upstream refuses the access token: the account must refresh (rotating its refresh
  // token) while the database refuses every write.
  env.mock.oauth.revokeAccessTokens('rot');
  // The request waits for the commit attempts (each waits out the 5 s busy timeout).
  const mark = env.mark();
  const started = Date.now();
  const res = await request(`${env.url}/v1/messages`, {
    method: 'POST', timeoutMs: 60000,
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': 'relay-client-key-5b1e9c' },
    body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'during the fault' }] }),
  });
  assert.equal(res.status, 200, `${res.text}\n${env.relay.stderr}`);
  assert.ok(Date.now() - started < 30000, `served after ${Date.now() - started} ms`);
  assert.equal(servedBy(env.since(mark)), 'rot');
  assert.equal(env.mock.refreshCount('rot'), 2, 'the refresh token rotated during the fault');
  assert.match(env.relay.stderr, /account rot: the rotated credentials could not be written to the database after 2 attempts/);
  assert.ok(!/sk-ant-ort01-mock-rot-\d+/.test(env.relay.stderr), 'no token in the log');
  const metrics = await request(`${env.url}/metrics`);
  assert.ok(metricValue(metrics.text, 'relay_credential_commit_failures_total', 'account="rot"') >= 1, metrics.text);
  assert.equal((await env.message()).res.status, 200, 'still serving with the new token');

  // The fault clears: the background retry writes the rotated token without any new request.
  await lock.release();
  await env.relay.waitForStderr(/account rot: the rotated credentials are on disk now/, 30000);

  // Not even a graceful stop: what is on disk is what a crash leaves.
  assert.equal(await env.relay.stop('SIGKILL'), 'SIGKILL');
  env.mock.oauth.revokeAccessTokens('rot'); // the restart must refresh with the stored token
  const rejectedBefore = env.mock.oauth.rejectedRefreshes;
  await env.startRelay();
  const after = await env.message();
  assert.equal(after.res.status, 200, `${after.res.text}\n${env.relay.stderr}`);
  assert.equal(env.mock.oauth.rejectedRefreshes, rejectedBefore, 'the stored refresh token was the rotated, live one');
  assert.equal(env.mock.refreshCount('rot'), 3);
});
