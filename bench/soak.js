'use strict';
// Soak run (issue 13; not in CI): mixed load (streaming and not) against one relay for a while,
// RSS sampled every 10 s. 64 conversations repeat (as clients do), so sticky bindings stay
// bounded. Fails when any request fails or RSS grows more than 5% after the
// warm-up. Driven by bench/soak; see the README, "Reliability".
//
//   node bench/soak.js --bin build/relay-server [--minutes 10] [--clients 8] [--stream-share 0.5]
const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const { spawn } = require('child_process');
const { startMockUpstream } = require('../tests/mock/upstream');

function args() {
  const out = { bin: 'build/relay-server', minutes: 10, clients: 8, streamShare: 0.5, sampleSeconds: 10, maxGrowth: 0.05 };
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i += 2) {
    const v = a[i + 1];
    switch (a[i]) {
      case '--bin': out.bin = v; break;
      case '--minutes': out.minutes = Number(v); break;
      case '--clients': out.clients = Number(v); break;
      case '--stream-share': out.streamShare = Number(v); break;
      case '--sample-seconds': out.sampleSeconds = Number(v); break;
      default: throw new Error(`bench/soak: unknown argument ${a[i]}`);
    }
  }
  return out;
}

const KEY = 'soak-relay-key';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rssKiB = (pid) => Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]);
const freePort = () => new Promise((resolve) => {
  const s = require('net').createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});

// One request through the relay; resolves to an error string or null.
function oneRequest(agent, port, stream, n) {
  const body = JSON.stringify({
    model: 'claude-sonnet-4-5', max_tokens: 64, stream,
    messages: [{ role: 'user', content: `soak conversation ${n % 64}: ${'context '.repeat(200)}` }],
  });
  return new Promise((resolve) => {
    const req = http.request({
      host: '127.0.0.1', port, path: '/v1/messages', method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-api-key': KEY },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        if (res.statusCode !== 200) return resolve(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
        if (stream) return resolve(text.includes('event: message_stop') ? null : 'stream ended without message_stop');
        try {
          return resolve(JSON.parse(text).type === 'message' ? null : `unexpected body ${text.slice(0, 200)}`);
        } catch {
          return resolve(`not JSON: ${text.slice(0, 200)}`);
        }
      });
      res.on('error', (e) => resolve(`response: ${e.message}`));
    });
    req.setTimeout(60000, () => req.destroy(new Error('timed out after 60 s')));
    req.on('error', (e) => resolve(`request: ${e.message}`));
    req.end(body);
  });
}

async function main() {
  const o = args();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relay-soak-'));
  const mock = await startMockUpstream();
  mock.oauth.addApiKey('soak', 'sk-soak-not-a-real-key');
  const port = await freePort();
  const config = {
    server: { host: '127.0.0.1', port, database_path: path.join(dir, 'relay.db'), log_level: 'warn', workers: 2 },
    api_keys: [KEY],
    accounts: [{ type: 'claude-api', id: 'soak', api_key: 'sk-soak-not-a-real-key', api_url: mock.url }],
  };
  fs.writeFileSync(path.join(dir, 'relay.yaml'), JSON.stringify(config)); // JSON is YAML
  const relay = spawn(path.resolve(o.bin), ['--config', path.join(dir, 'relay.yaml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  relay.stderr.on('data', (d) => (stderr += d));
  let exited = false;
  relay.on('exit', () => (exited = true));
  for (let i = 0; ; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.status === 200) break;
    } catch {}
    if (i > 200 || exited) throw new Error(`the relay did not start:\n${stderr}`);
    await sleep(50);
  }

  const endAt = Date.now() + o.minutes * 60000;
  const warmupMs = Math.max(60000, o.minutes * 60000 * 0.2);
  const started = Date.now();
  const stats = { ok: 0, stream: 0, plain: 0, errors: [] };
  let n = 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.clients });
  const client = async () => {
    while (Date.now() < endAt && !exited) {
      const stream = Math.random() < o.streamShare;
      const err = await oneRequest(agent, port, stream, ++n);
      if (err) stats.errors.push(err);
      else {
        stats.ok++;
        stream ? stats.stream++ : stats.plain++;
      }
    }
  };
  const samples = [];
  const sampler = setInterval(() => {
    if (exited) return;
    const s = { t: Math.round((Date.now() - started) / 1000), rss_kib: rssKiB(relay.pid), requests: stats.ok, errors: stats.errors.length };
    samples.push(s);
    mock.requests.length = 0; // the mock's own log would grow for ten minutes otherwise
    console.log(JSON.stringify(s));
  }, o.sampleSeconds * 1000);
  await Promise.all(Array.from({ length: o.clients }, client));
  clearInterval(sampler);
  agent.destroy();

  const afterWarmup = samples.filter((s) => s.t * 1000 >= warmupMs);
  const baseline = afterWarmup.length ? afterWarmup[0].rss_kib : NaN;
  const peak = Math.max(...afterWarmup.map((s) => s.rss_kib));
  const last = afterWarmup.length ? afterWarmup[afterWarmup.length - 1].rss_kib : NaN;
  const growth = (peak - baseline) / baseline;
  const seconds = (Date.now() - started) / 1000;
  const summary = {
    minutes: o.minutes, clients: o.clients, requests: stats.ok, streaming: stats.stream, non_streaming: stats.plain,
    requests_per_second: Math.round(stats.ok / seconds), errors: stats.errors.length,
    rss_kib: { start: samples.length ? samples[0].rss_kib : NaN, after_warmup: baseline, peak_after_warmup: peak, end: last },
    growth_after_warmup_percent: Math.round(growth * 1000) / 10, relay_exited: exited,
    load_average: os.loadavg().map((x) => Math.round(x * 10) / 10),
  };
  console.log(JSON.stringify(summary));
  relay.kill('SIGTERM');
  await new Promise((r) => (exited ? r() : relay.on('exit', r)));
  await mock.close();
  fs.rmSync(dir, { recursive: true, force: true });
  const failures = [];
  if (stats.errors.length) failures.push(`${stats.errors.length} failed requests, first: ${stats.errors[0]}`);
  if (summary.relay_exited && Date.now() < endAt) failures.push('the relay exited during the run');
  if (!(afterWarmup.length >= 2)) failures.push('too few samples after the warm-up (run longer)');
  else if (growth > o.maxGrowth) failures.push(`RSS grew ${summary.growth_after_warmup_percent}% after the warm-up (limit ${o.maxGrowth * 100}%)`);
  if (failures.length) {
    console.error(`bench/soak: FAILED: ${failures.join('; ')}`);
    process.exit(1);
  }
  console.error('bench/soak: passed');
}

main().catch((e) => {
  console.error(`bench/soak: ${e.stack || e}`);
  process.exit(1);
});
