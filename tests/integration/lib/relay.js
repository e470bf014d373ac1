'use strict';
// Runs the real relay binary: writes its YAML config into a temp dir, starts it, waits for
// GET /health, captures stdout/stderr, and stops it with a signal returning the exit code.
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { freePort } = require('./ports');
const { toYaml } = require('./yaml');

const RELAY_BIN = process.env.RELAY_BIN || path.resolve(__dirname, '../../../build/relay-server');

function requireBinary() {
  if (!fs.existsSync(RELAY_BIN)) {
    throw new Error(`relay binary not found at ${RELAY_BIN} (build it with meson or set RELAY_BIN)`);
  }
  return RELAY_BIN;
}

// Runs the binary to completion (for --version, --help, --check-config).
function runRelayCli(args, { timeoutMs = 10000, env } = {}) {
  const r = spawnSync(requireBinary(), args, { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, ...env } });
  if (r.error) throw r.error;
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

// Writes `config` merged over test defaults (loopback, a free port, database in `dir`).
function writeRelayConfig(dir, config = {}, port) {
  const server = {
    host: '127.0.0.1', port, database_path: path.join(dir, 'relay.db'), log_level: 'info', workers: 1,
    ...(config.server || {}),
  };
  const file = path.join(dir, 'relay.yaml');
  fs.writeFileSync(file, toYaml({ ...config, server }));
  return file;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

class RelayProcess {
  constructor(child, port, configFile) {
    this.child = child;
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    this.configFile = configFile;
    this.stdout = '';
    this.stderr = '';
    this.exit = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    this.exited = false;
    this.exit.then(() => (this.exited = true));
    child.stdout.on('data', (d) => (this.stdout += d));
    child.stderr.on('data', (d) => (this.stderr += d));
  }

  async waitHealthy(timeoutMs = 10000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`relay exited during start-up:\n${this.stderr}`);
      try {
        const res = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(1000) });
        await res.arrayBuffer();
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(50);
    }
    throw new Error(`relay did not answer GET /health within ${timeoutMs} ms:\n${this.stderr}`);
  }

  // Waits until stderr matches `pattern` (string or RegExp).
  async waitForStderr(pattern, timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    const hit = () => (typeof pattern === 'string' ? this.stderr.includes(pattern) : pattern.test(this.stderr));
    while (!hit()) {
      if (Date.now() > deadline) throw new Error(`stderr never matched ${pattern}:\n${this.stderr}`);
      await sleep(25);
    }
  }

  // Sends `signal` and resolves with the exit code (a string like "SIGKILL" if killed by a signal).
  async stop(signal = 'SIGTERM', timeoutMs = 20000) {
    if (!this.exited) this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const { code, signal: sig } = await this.exit;
    clearTimeout(timer);
    return code === null ? sig : code;
  }
}

// Starts the relay; registers a cleanup on `t` that kills it if the test did not stop it.
async function startRelay(t, dir, config = {}, { env, args = [], waitHealthy = true } = {}) {
  const port = (config.server && config.server.port) || (await freePort());
  const configFile = writeRelayConfig(dir, config, port);
  const child = spawn(requireBinary(), ['--config', configFile, ...args], {
    env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const relay = new RelayProcess(child, port, configFile);
  if (t && typeof t.after === 'function') {
    t.after(async () => {
      if (!relay.exited) await relay.stop('SIGKILL');
      if (process.env.RELAY_TEST_LOGS === '1') process.stderr.write(relay.stderr);
    });
  }
  if (waitHealthy) await relay.waitHealthy();
  return relay;
}

module.exports = { RELAY_BIN, requireBinary, runRelayCli, writeRelayConfig, startRelay, RelayProcess };
