'use strict';
// server.busy_poll_us: after each socket read a worker keeps polling, without sleeping, for up to
// that long. Requests and event streams are relayed exactly as without it; a relay with no
// traffic goes back to sleep (no CPU) and stops on SIGTERM; a stream whose events come far
// apart does not keep it polling (polling stops while most polls run out);
// an out-of-range value is refused at start. It is on by default (50 us), and /metrics shows per
// worker whether it polls and how its polls fare. That the loop really polls, and stops, is
// measured per thread in tests/unit/core/loop/loop_driver_test.cc.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const { startClaudeEnv, api } = require('./lib/claude-env');
const { makeTempDir, writeRelayConfig, runRelayCli, metricSamples, metricSum } = require('./lib');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// The busy-polling series of /metrics, summed over the workers:
// { caught, ran_out, polling (workers polling), workers (workers reporting) }.
const pollMetrics = async (env) => {
  const text = await (await env.get('/metrics')).text;
  return {
    caught: metricSum(text, 'relay_busy_polls_total', { outcome: 'caught' }),
    ran_out: metricSum(text, 'relay_busy_polls_total', { outcome: 'ran_out' }),
    polling: metricSum(text, 'relay_busy_polling'),
    workers: metricSamples(text, 'relay_busy_polling').length,
  };
};
// utime + stime of a process, in clock ticks (1/100 s on Linux).
const cpuTicks = (pid) => {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
};

test('with busy polling on, answers and streams arrive whole, and an idle relay sleeps', async (t) => {
  const env = await startClaudeEnv(t, { accounts: [api('poll')], config: { server: { busy_poll_us: 5000 } } });

  // Concurrent and back-to-back requests on the same worker.
  const texts = Array.from({ length: 24 }, (_, i) => `busy poll request ${i}`);
  const answers = await Promise.all(texts.map((text) => env.message({ text })));
  for (const [i, { res }] of answers.entries()) {
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.content[0].text, `Mock reply to: ${texts[i]}`);
  }
  for (let i = 0; i < 3; i++) {
    const text = `busy poll stream ${i}`;
    const { res, events } = await env.stream('/v1/messages', {
      model: 'claude-sonnet-4-5', max_tokens: 64, stream: true, messages: [{ role: 'user', content: text }],
    });
    assert.equal(res.status, 200);
    assert.equal(events.at(-1).event, 'message_stop');
    const deltas = events.filter((e) => e.event === 'content_block_delta').map((e) => JSON.parse(e.data).delta.text).join('');
    assert.equal(deltas, `Mock reply to: ${text}`);
  }

  // No traffic: the worker polls for 5 ms after its last read, then blocks. Over 2 s the relay
  // uses a few ticks at most (the usage flush runs once a second); a loop that kept polling
  // would use about 200.
  await sleep(300);
  const before = cpuTicks(env.relay.child.pid);
  await sleep(2000);
  const used = cpuTicks(env.relay.child.pid) - before;
  assert.ok(used <= 20, `an idle relay used ${used} ticks of CPU in 2 s`);

  // SIGTERM drains and ends the polling loop like the sleeping one.
  const stopped = Date.now();
  assert.equal(await env.relay.stop('SIGTERM'), 0, env.relay.stderr);
  assert.ok(Date.now() - stopped < 5000, 'the relay stopped promptly');
});

test('a stream whose events come far apart does not keep the relay polling', async (t) => {
  // Window 10 ms; events 110 ms apart for about 4 s. A fixed window would poll out its 10 ms
  // after every event (about 36 ticks over the stream); the adaptive one stops once six polls in
  // a row have run out (about 6 ticks), and the relay's own work on the events is a tick or two.
  const env = await startClaudeEnv(t, { accounts: [api('sparse')], config: { server: { busy_poll_us: 10000 } } });
  const text = 'sparse!!'.repeat(30);
  env.mock.enqueue({ path: '/v1/messages', delayMs: 110, text });
  const before = cpuTicks(env.relay.child.pid);
  const started = Date.now();
  const { res, events } = await env.stream('/v1/messages', {
    model: 'claude-sonnet-4-5', max_tokens: 1024, stream: true, messages: [{ role: 'user', content: 'slowly' }],
  });
  const elapsed = Date.now() - started;
  const used = cpuTicks(env.relay.child.pid) - before;
  assert.equal(res.status, 200);
  assert.equal(events.at(-1).event, 'message_stop');
  const deltas = events.filter((e) => e.event === 'content_block_delta').map((e) => JSON.parse(e.data).delta.text).join('');
  assert.equal(deltas, text);
  t.diagnostic(`relay CPU over the ${elapsed} ms stream: ${used} ticks`);
  assert.ok(elapsed >= 3000, `the stream took ${elapsed} ms`);
  assert.ok(used <= 18, `the relay used ${used} ticks of CPU over a ${elapsed} ms stream of sparse events`);
  // /metrics says why: the polls ran out, and the workers stopped polling.
  const m = await pollMetrics(env);
  assert.ok(m.ran_out >= 6, `polls that ran out: ${JSON.stringify(m)}`);
  assert.ok(m.ran_out > m.caught, JSON.stringify(m));
  assert.equal(m.polling, 0, JSON.stringify(m));
});

test('busy polling is on by default and /metrics shows how its polls fare; 0 turns it off', async (t) => {
  for (const [config, on] of [[{}, true], [{ server: { busy_poll_us: 0 } }, false]]) {
    const env = await startClaudeEnv(t, { accounts: [api(on ? 'default' : 'off')], config });
    for (let i = 0; i < 8; i++) {
      const { res } = await env.message({ text: `poll ${i}` });
      assert.equal(res.status, 200, res.text);
    }
    const m = await pollMetrics(env);
    assert.ok(m.workers >= 1, `no relay_busy_polling series: ${JSON.stringify(m)}`);
    if (on) {
      // The worker polled after its reads (the upstream's answer, the client's next request),
      // and each such poll was counted, caught or run out. (With a mock this slow most polls
      // run out and polling soon stops: the counts, not the gauge, say it was on.)
      assert.ok(m.caught + m.ran_out > 0, `default configuration: ${JSON.stringify(m)}`);
    } else {
      assert.deepEqual(m, { caught: 0, ran_out: 0, polling: 0, workers: m.workers });
    }
    await env.relay.stop('SIGTERM');
  }
});

test('server.busy_poll_us out of range is refused with the key and the allowed range', (t) => {
  const dir = makeTempDir(t);
  const file = writeRelayConfig(dir, { api_keys: ['k1'], server: { busy_poll_us: 20000 } }, 3999);
  const r = runRelayCli(['--check-config', file]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /server\.busy_poll_us: expected an integer 0-10000, got "20000"/);
});
