'use strict';
// Store faults (issue 13): a locked database (another process holds the write lock) or a full
// disk (an LD_PRELOAD shim refusing the database's writes with ENOSPC) does not stop requests;
// the failed writes are logged and counted in /metrics, and writing resumes once the fault is
// gone. kill -9 under load, then restart: the database passes integrity_check and the
// account's rotated token is intact.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const { startClaudeEnv, oauth, api, servedBy } = require('./lib/claude-env');
const { request } = require('./lib/http');
const { makeTempDir } = require('./lib/tmpdir');
const { metricValue } = require('./lib/metrics');

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

// The relay's environment with the shim preloaded. A sanitizer build wants its runtime first in
// the library list and refuses to start otherwise: the shim only wraps libc's write calls (it
// finds the next definition, ASan's interceptor included, through RTLD_NEXT), so that check is
// turned off for these runs.
function shimEnv(shim) {
  const asan = [process.env.ASAN_OPTIONS, 'verify_asan_link_order=0'].filter(Boolean).join(':');
  return { LD_PRELOAD: shim.preload, RELAY_TEST_ENOSPC_FLAG: shim.flag, ASAN_OPTIONS: asan };
}

// A disk that is full while a flag file exists: an LD_PRELOAD shim makes every write to the
// database, its WAL or its rollback journal fail with ENOSPC (what write(2) says on a full disk)
// as long as $RELAY_TEST_ENOSPC_FLAG exists. Other files and sockets are untouched.
const ENOSPC_SHIM = `
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The disk is "full" for this fd: the flag exists and the fd is the database's. */
static int full(int fd) {
  const char *flag = getenv("RELAY_TEST_ENOSPC_FLAG");
  if (!flag || access(flag, F_OK) != 0) return 0;
  char link[64], target[4096];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, target, sizeof target - 1);
  if (n <= 0) return 0;
  target[n] = 0;
  return ends_with(target, "relay.db") || ends_with(target, "relay.db-wal") || ends_with(target, "-journal");
}

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

ssize_t write(int fd, const void *buf, size_t n) {
  if (full(fd)) { errno = ENOSPC; return -1; }
  return REAL(write)(fd, buf, n);
}
ssize_t pwrite(int fd, const void *buf, size_t n, off_t off) {
  if (full(fd)) { errno = ENOSPC; return -1; }
  return REAL(pwrite)(fd, buf, n, off);
}
ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off) {
  if (full(fd)) { errno = ENOSPC; return -1; }
  return REAL(pwrite64)(fd, buf, n, off);
}
int fallocate(int fd, int mode, off_t off, off_t len) {
  if (full(fd)) { errno = ENOSPC; return -1; }
  return REAL(fallocate)(fd, mode, off, len);
}
int fallocate64(int fd, int mode, off64_t off, off64_t len) {
  if (full(fd)) { errno = ENOSPC; return -1; }
  return REAL(fallocate64)(fd, mode, off, len);
}
int posix_fallocate(int fd, off_t off, off_t len) {
  if (full(fd)) return ENOSPC;
  return REAL(posix_fallocate)(fd, off, len);
}
int posix_fallocate64(int fd, off64_t off, off64_t len) {
  if (full(fd)) return ENOSPC;
  return REAL(posix_fallocate64)(fd, off, len);
}
`;

// Builds the shim into a temp dir: {preload: the .so, flag: the flag file's path (absent)}.
function buildEnospcShim(t) {
  const dir = makeTempDir(t, 'relay-enospc-');
  fs.writeFileSync(path.join(dir, 'enospc.c'), ENOSPC_SHIM);
  const so = path.join(dir, 'libenospc.so');
  const r = spawnSync('cc', ['-shared', '-fPIC', '-O2', '-o', so, 'enospc.c', '-ldl'], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return { preload: so, flag: path.join(dir, 'disk-full') };
}

// Requests counted in the hourly usage sums (the workers flush them every second).
function usageRows(dbFile) {
  const r = spawnSync('sqlite3', [dbFile, 'SELECT coalesce(sum(requests), 0) FROM usage_hourly;'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout.trim());
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
  assert.ok(metricValue(metrics.text, 'relay_store_errors_total', { reason: 'locked' }) >= 1, metrics.text);
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

test('a full disk: requests are served, the failed writes are logged and counted, writing resumes', async (t) => {
  const shim = buildEnospcShim(t);
  const env = await startClaudeEnv(t, {
    accounts: [api('plain')],
    relay: { env: shimEnv(shim) },
  });
  const dbFile = path.join(env.dir, 'relay.db');
  assert.equal((await env.message()).res.status, 200);
  assert.ok(!/store batch/.test(env.relay.stderr), `no store failure before the fault:\n${env.relay.stderr}`);

  fs.writeFileSync(shim.flag, '');
  const started = Date.now();
  for (let i = 0; i < 3; i++) {
    const { res, calls } = await env.message();
    assert.equal(res.status, 200, res.text);
    assert.equal(servedBy(calls), 'plain');
  }
  assert.ok(Date.now() - started < 4000, 'requests did not wait for the store');

  // The usage flush (every second) is refused at once: SQLITE_FULL, no busy wait.
  await env.relay.waitForStderr(/store batch of \d+ jobs failed on .*database or disk is full/, 10000);
  const metrics = await request(`${env.url}/metrics`);
  assert.equal(metrics.status, 200);
  assert.ok(metricValue(metrics.text, 'relay_store_errors_total', { reason: 'full' }) >= 1, metrics.text);
  assert.equal((await env.message()).res.status, 200, 'still serving after the failure');

  fs.rmSync(shim.flag);
  const before = usageRows(dbFile);
  assert.equal((await env.message()).res.status, 200);
  const deadline = Date.now() + 10000;
  while (usageRows(dbFile) <= before) {
    assert.ok(Date.now() < deadline, 'usage is written again once the disk has room');
    await sleep(100);
  }

  assert.equal(await env.relay.stop('SIGTERM'), 0, env.relay.stderr);
  const check = spawnSync('sqlite3', [dbFile, 'PRAGMA integrity_check;'], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
  assert.equal(check.stdout.trim(), 'ok');
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
  // The request waits for the commit attempts, each giving up on the lock after 500 ms (not the
  // store's 5 s busy timeout, which made it about 11 s), plus one retry delay of 500 ms.
  const mark = env.mark();
  const logFrom = env.relay.stderr.length;
  const started = Date.now();
  const res = await request(`${env.url}/v1/messages`, {
    method: 'POST', timeoutMs: 60000,
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': 'relay-client-key-5b1e9c' },
    body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'during the fault' }] }),
  });
  assert.equal(res.status, 200, `${res.text}\n${env.relay.stderr}`);
  t.diagnostic(`the request waited ${Date.now() - started} ms for the refresh's commit`);
  assert.equal(servedBy(env.since(mark)), 'rot');
  assert.equal(env.mock.refreshCount('rot'), 2, 'the refresh token rotated during the fault');
  // The relay times each attempt itself, from posting the write to the store's answer. An attempt
  // waiting on the store's 5 s busy timeout cannot end before 5 s, however idle the machine; one
  // on its own 500 ms ends then plus two thread wake-ups, which load stretches by milliseconds
  // (seconds only for the request around them: the refresh, the upstream, this process).
  await env.relay.waitForStderr(/account rot: the rotated credentials could not be written to the database after 2 attempts/);
  const log = env.relay.stderr.slice(logFrom);
  const first = /account rot: committing the rotated credentials failed after (\d+) ms \(attempt 1 of 2\)/.exec(log);
  const last = /account rot: the rotated credentials could not be written to the database after 2 attempts \(the last failed after (\d+) ms\)/.exec(log);
  assert.ok(first && last, `both attempts timed in the log:\n${log}`);
  t.diagnostic(`the commit attempts took ${first[1]} and ${last[1]} ms`);
  for (const took of [Number(first[1]), Number(last[1])]) {
    assert.ok(took >= 500, `an attempt gave up after ${took} ms, before its 500 ms lock wait`);
    assert.ok(took < 5000, `an attempt took ${took} ms: it waited on the store's 5 s busy timeout, not its own 500 ms`);
  }
  assert.ok(!/sk-ant-ort01-mock-rot-\d+/.test(env.relay.stderr), 'no token in the log');
  const metrics = await request(`${env.url}/metrics`);
  assert.ok(metricValue(metrics.text, 'relay_credential_commit_failures_total', { account: 'rot' }) >= 1, metrics.text);
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

test('a refresh while the disk is full: served, logged and counted like a locked database; the rotated token reaches the disk later', async (t) => {
  const shim = buildEnospcShim(t);
  const relayOpts = { env: shimEnv(shim) };
  const env = await startClaudeEnv(t, { accounts: [oauth('rot')], relay: relayOpts });
  const dbFile = path.join(env.dir, 'relay.db');
  assert.equal((await env.message()).res.status, 200);
  assert.equal(env.mock.refreshCount('rot'), 1);

  fs.writeFileSync(shim.flag, '');
  env.mock.oauth.revokeAccessTokens('rot'); // the account must refresh (rotating) during the fault
  const mark = env.mark();
  const { res } = await env.message();
  assert.equal(res.status, 200, `${res.text}\n${env.relay.stderr}`);
  assert.equal(servedBy(env.since(mark)), 'rot');
  assert.equal(env.mock.refreshCount('rot'), 2, 'the refresh token rotated during the fault');
  // The log reaches this process through a pipe, after the answer may have: wait for it.
  await env.relay.waitForStderr(/store batch of \d+ jobs failed on .*database or disk is full/);
  await env.relay.waitForStderr(/account rot: the rotated credentials could not be written to the database after 2 attempts/);
  assert.ok(!/sk-ant-ort01-mock-rot-\d+/.test(env.relay.stderr), 'no token in the log');
  const metrics = await request(`${env.url}/metrics`);
  assert.ok(metricValue(metrics.text, 'relay_store_errors_total', { reason: 'full' }) >= 1, metrics.text);
  assert.ok(metricValue(metrics.text, 'relay_credential_commit_failures_total', { account: 'rot' }) >= 1, metrics.text);
  assert.equal((await env.message()).res.status, 200, 'still serving with the new token');

  // Room again: the background retry writes the rotated token without any new request.
  fs.rmSync(shim.flag);
  await env.relay.waitForStderr(/account rot: the rotated credentials are on disk now/, 30000);
  assert.equal(await env.relay.stop('SIGKILL'), 'SIGKILL'); // what is on disk is what a crash leaves
  const check = spawnSync('sqlite3', [dbFile, 'PRAGMA integrity_check;'], { encoding: 'utf8' });
  assert.equal(check.stdout.trim(), 'ok', check.stderr);
  env.mock.oauth.revokeAccessTokens('rot'); // the restart must refresh with the stored token
  const rejectedBefore = env.mock.oauth.rejectedRefreshes;
  await env.startRelay(relayOpts);
  const after = await env.message();
  assert.equal(after.res.status, 200, `${after.res.text}\n${env.relay.stderr}`);
  assert.equal(env.mock.oauth.rejectedRefreshes, rejectedBefore, 'the stored refresh token was the rotated, live one');
  assert.equal(env.mock.refreshCount('rot'), 3);
});
