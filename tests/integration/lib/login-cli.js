'use strict';
// `relay-server login` as the login tests drive it: the command with a piped stdin that answers
// the printed authorize URL, and the checks every provider's login shares (no token in any
// output, none in the clear in the state database).
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const { requireBinary } = require('./relay');

// Runs `relay-server login --config env.configFile ...args`; answer(url) returns the line to paste
// (or null to close stdin). Resolves {code, stdout, stderr}.
function runLogin(env, args, answer) {
  return new Promise((resolve, reject) => {
    const child = spawn(requireBinary(), ['login', '--config', env.configFile, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let answered = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
    child.stdout.on('data', (d) => {
      stdout += d;
      if (answered || !stdout.includes('\n')) return;
      answered = true;
      const line = answer ? answer(stdout.split('\n')[0]) : null;
      if (line !== null) child.stdin.write(line + '\n');
      child.stdin.end();
    });
    if (!answer) child.stdin.end();
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stderr.on('data', (d) => (stderr += d));
  });
}

function assertNoTokens(texts, tokens) {
  for (const text of texts) for (const token of tokens) assert.ok(!text.includes(token), `a token appears in output: ${token}`);
}

// The state database in dir (and its write-ahead log) holds none of tokens in the clear.
function assertSealed(dir, tokens) {
  const db = fs.readFileSync(path.join(dir, 'relay.db'));
  const walFile = path.join(dir, 'relay.db-wal');
  const wal = fs.existsSync(walFile) ? fs.readFileSync(walFile) : Buffer.alloc(0);
  for (const token of tokens) assert.ok(!db.includes(token) && !wal.includes(token), 'the database holds no token in the clear');
}

module.exports = { runLogin, assertNoTokens, assertSealed };
