'use strict';
// The relay raises its soft open-file limit towards twice server.max_connections (a client and
// its upstream connection each hold a descriptor), so the limit, not
// accept() failing, decides when connections are refused; when the hard limit is too low it
// says so at start-up.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const { spawn } = require('child_process');
const { makeTempDir, writeRelayConfig, freePort, RelayProcess, requireBinary } = require('./lib');

const limitsOf = (pid) => {
  const line = fs.readFileSync(`/proc/${pid}/limits`, 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
  const [soft, hard] = line.replace('Max open files', '').trim().split(/\s+/);
  return { soft: Number(soft), hard: hard === 'unlimited' ? Infinity : Number(hard) };
};

// Starts the relay under `ulimit -Sn <soft>`.
async function startWithSoftLimit(t, soft, server) {
  const dir = makeTempDir(t);
  const port = await freePort();
  const file = writeRelayConfig(dir, { api_keys: ['k1'], server }, port);
  const child = spawn('bash', ['-c', `ulimit -Sn ${soft} && exec "$0" --config "$1"`, requireBinary(), file], { stdio: ['ignore', 'pipe', 'pipe'] });
  const relay = new RelayProcess(child, port, file);
  t.after(() => relay.stop('SIGKILL'));
  await relay.waitHealthy();
  return relay;
}

test('the soft open-file limit is raised to twice max_connections plus a spare', async (t) => {
  const relay = await startWithSoftLimit(t, 512, { max_connections: 4000 });
  const { soft, hard } = limitsOf(relay.child.pid);
  assert.equal(soft, Math.min(hard, 2 * 4000 + 256), `soft limit ${soft} (hard ${hard})`);
});

test('a hard limit below max_connections is reported at start-up', async (t) => {
  const { hard } = limitsOf(process.pid);
  if (!Number.isFinite(hard) || hard > 1000000) return t.skip(`hard limit ${hard} is too high to exceed`);
  const relay = await startWithSoftLimit(t, 512, { max_connections: Math.min(10000000, hard * 2) });
  assert.match(relay.stderr, /open-file limit is \d+; beyond about \d+ connections accept\(\) fails/);
});

// Growing the kernel's descriptor table while the workers run blocks the thread that crosses 256,
// 512, 1024, ... descriptors for an RCU grace period (10-20 ms); the relay sizes it at start-up.
test('the descriptor table is sized at start-up for max_connections clients and their upstreams', async (t) => {
  const { hard } = limitsOf(process.pid);
  if (hard < 1500 + 256) return t.skip(`hard limit ${hard} is too low`);
  const relay = await startWithSoftLimit(t, 512, { max_connections: 1500 });
  const { soft } = limitsOf(relay.child.pid);
  const status = fs.readFileSync(`/proc/${relay.child.pid}/status`, 'utf8');
  const slots = Number(status.match(/^FDSize:\s+(\d+)/m)[1]);
  // 2 x 1500 + 256 descriptors, capped by the soft limit (raised to as many).
  assert.ok(slots >= Math.min(soft, 2 * 1500 + 256), `FDSize ${slots}, soft limit ${soft}`);
});

// Sizing the table waits for an RCU grace period when another thread shares it (15-25 ms on a
// quiet VM, hundreds on a busy one), and the first log line starts the log writer's thread: the
// relay sizes the table before anything is logged, configuration warnings included ('k1' is too
// short to be masked, so building the server warns about it).
test('the descriptor table is sized while the relay has a single thread', async (t) => {
  const relay = await startWithSoftLimit(t, 512, { max_connections: 1500, log_level: 'debug' });
  assert.match(relay.stderr, /api_keys\[0\] is shorter than/);
  const line = relay.stderr.split('\n').find((l) => l.includes('descriptor table:'));
  assert.ok(line, `no descriptor-table line in:\n${relay.stderr}`);
  assert.match(line, /\d+ slots reserved for 3256 descriptors, with 1 thread running/);
});
