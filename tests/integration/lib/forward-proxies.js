'use strict';
// Real forward proxies for upstream tests: microsocks (SOCKS5) and tinyproxy (HTTP CONNECT), each
// started on a free 127.0.0.1 port with username/password auth and stopped when the test ends.
// A missing binary fails the test (these tests exist to exercise the real programs).
const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');
const { freePort } = require('./ports');

function requireTool(name) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const file = path.join(dir, name);
    if (dir && fs.existsSync(file)) return file;
  }
  throw new Error(`${name} not found on PATH (apt-get install ${name})`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function canConnect(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

// Spawns `args`, waits until `port` accepts TCP, registers the kill on `t`.
async function spawnListening(t, name, args, port) {
  const child = spawn(requireTool(name), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  let exited = false;
  const exit = new Promise((r) => child.on('exit', () => r((exited = true))));
  const stop = async () => {
    if (!exited) child.kill('SIGKILL');
    await exit;
  };
  t.after(stop);
  const deadline = Date.now() + 5000;
  while (!(await canConnect(port))) {
    if (exited) throw new Error(`${name} exited during start-up: ${output}`);
    if (Date.now() > deadline) throw new Error(`${name} not listening on ${port} after 5 s: ${output}`);
    await sleep(25);
  }
  return { port, pid: child.pid, stop, output: () => output };
}

// microsocks on 127.0.0.1 requiring `username`/`password`.
async function startMicrosocks(t, { username, password }) {
  const port = await freePort();
  const p = await spawnListening(t, 'microsocks', ['-i', '127.0.0.1', '-p', String(port), '-u', username, '-P', password], port);
  return { ...p, type: 'socks5', host: '127.0.0.1' };
}

// tinyproxy on 127.0.0.1 with BasicAuth; its config and log live in `dir`. log() reads the log.
async function startTinyproxy(t, dir, { username, password }) {
  const port = await freePort();
  const logFile = path.join(dir, 'tinyproxy.log');
  const conf = path.join(dir, 'tinyproxy.conf');
  fs.writeFileSync(conf, [
    `Port ${port}`, 'Listen 127.0.0.1', 'Timeout 60', `LogFile "${logFile}"`, 'LogLevel Connect',
    `PidFile "${path.join(dir, 'tinyproxy.pid')}"`, 'MaxClients 50', `BasicAuth ${username} ${password}`,
    'Allow 127.0.0.1', '',
  ].join('\n'));
  const p = await spawnListening(t, 'tinyproxy', ['-d', '-c', conf], port);
  const log = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '');
  return { ...p, type: 'http', host: '127.0.0.1', logFile, log };
}

module.exports = { requireTool, startMicrosocks, startTinyproxy };
