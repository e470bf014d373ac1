'use strict';
// Starts the relay through any command (the binary, ./scripts/run) with `--listen 127.0.0.1:0`
// and learns its port from the start-up log line "listening on 127.0.0.1:PORT".
const { spawn } = require('child_process');
const { RelayProcess } = require('./relay');

const LISTENING = /listening on 127\.0\.0\.1:(\d+)/;

// The child gets its own process group so a stop also ends what it started before exec.
async function startListeningRelay(t, command, args, { cwd, env, timeoutMs = 20000 } = {}) {
  const child = spawn(command, args, {
    cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  const relay = new RelayProcess(child, 0, null);
  relay.stop = async (signal = 'SIGTERM', stopMs = 20000) => {
    if (!relay.exited) process.kill(-child.pid, signal);
    const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, stopMs);
    const { code, signal: sig } = await relay.exit;
    clearTimeout(timer);
    return code === null ? sig : code;
  };
  if (t && typeof t.after === 'function') {
    t.after(async () => {
      if (!relay.exited) await relay.stop('SIGKILL');
      if (process.env.RELAY_TEST_LOGS === '1') process.stderr.write(relay.stderr);
    });
  }
  const deadline = Date.now() + timeoutMs;
  let match;
  while (!(match = LISTENING.exec(relay.stderr))) {
    if (relay.exited) throw new Error(`${command} exited during start-up:\n${relay.stderr}`);
    if (Date.now() > deadline) throw new Error(`no "listening on" line within ${timeoutMs} ms:\n${relay.stderr}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  relay.port = Number(match[1]);
  relay.url = `http://127.0.0.1:${relay.port}`;
  return relay;
}

module.exports = { startListeningRelay };
