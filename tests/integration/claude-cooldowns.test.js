'use strict';
// Every cooldown is configurable (PROTOCOLS.md B): `failover.cooldown_seconds` sets how long an
// account rests after each kind of failure (for transient ones it caps the ejection, which starts
// at base_ejection_seconds, 10 s); when the rest ends, the account serves again.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startClaudeEnv, api } = require('./lib/claude-env');

const accountsOf = (calls) => calls.map((c) => c.account);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// consecutive_failures: 1 ejects on the first transient failure, so its cap shows at once.
function pair(t, cooldown_seconds) {
  return startClaudeEnv(t, {
    accounts: [api('primary', { priority: 100 }), api('secondary', { priority: 50 })],
    config: { failover: { max_attempts: 3, max_wait_seconds: 10, consecutive_failures: 1, cooldown_seconds } },
  });
}

for (const [kind, status] of [['server_error', 500], ['overloaded', 529], ['billing', 402]]) {
  test(`cooldown_seconds.${kind} sets the rest after a ${status}`, async (t) => {
    const env = await pair(t, { [kind]: 2 });
    env.mock.enqueue({ path: '/v1/messages', status, json: { type: 'error', error: { type: 'api_error', message: 'x' } } });
    const first = await env.message();
    assert.equal(first.res.status, 200, first.res.text);
    assert.deepEqual(accountsOf(first.calls), ['primary', 'secondary']);
    const during = await env.message();
    assert.deepEqual(accountsOf(during.calls), ['secondary'], 'primary rests');
    await sleep(2300);
    const after = await env.message();
    assert.deepEqual(accountsOf(after.calls), ['primary'], 'primary serves again after 2 s');
  });
}

test('a cooldown key that does not exist stops start-up with its name', async (t) => {
  await assert.rejects(pair(t, { sever_error: 2 }), /cooldown_seconds\.sever_error/);
});
