'use strict';
// `relay-server accounts --config FILE`: a table of the configured accounts with id, type,
// priority and state (from the database), without secrets.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startClaudeEnv, oauth, api, tableRow, initialRefreshToken, apiKeyOf } = require('./lib/claude-env');

// The state cell when the header lines up with the row, else the whole row.
const stateOf = (row) => row.byColumn.state || row.line;
const USABLE_STATE = /\b(active|available|healthy|ok|ready)\b/i;

test('accounts prints id, type, priority and state for every account, no secrets', async (t) => {
  const env = await startClaudeEnv(t, {
    accounts: [oauth('alpha', { priority: 100 }), api('beta', { priority: 70 }), api('gamma', { priority: 10, enabled: false })],
    start: false,
  });
  await env.startRelay();
  await env.relay.stop('SIGTERM');
  const r = env.accountsTable();
  assert.equal(r.code, 0, r.stderr);
  for (const [id, type, priority] of [['alpha', 'claude-oauth', '100'], ['beta', 'claude-api', '70'], ['gamma', 'claude-api', '10']]) {
    const row = tableRow(r.stdout, id);
    assert.ok(row, `a row for ${id}:\n${r.stdout}`);
    assert.ok(row.header, `a header naming id, type, priority, state:\n${r.stdout}`);
    assert.ok(row.cells.includes(type), `type of ${id}: ${row.line}`);
    assert.ok(row.cells.includes(priority), `priority of ${id}: ${row.line}`);
  }
  assert.match(stateOf(tableRow(r.stdout, 'gamma')), /disabled/i);
  assert.match(stateOf(tableRow(r.stdout, 'beta')), USABLE_STATE);
  for (const secret of [initialRefreshToken('alpha'), apiKeyOf('beta'), apiKeyOf('gamma')]) {
    assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), 'no secret in the output');
  }
});

test('accounts shows an account disabled by upstream (403 organization disabled)', async (t) => {
  const env = await startClaudeEnv(t, { accounts: [oauth('main', { priority: 100 }), oauth('spare', { priority: 50 })] });
  env.mock.enqueue({ path: '/v1/messages', status: 403, message: 'This organization has been disabled.' });
  const { res, calls } = await env.message();
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(calls.map((c) => c.account), ['main', 'spare']);
  await env.relay.stop('SIGTERM');
  const r = env.accountsTable();
  assert.equal(r.code, 0, r.stderr);
  assert.match(stateOf(tableRow(r.stdout, 'main')), /disabled/i, r.stdout);
  assert.match(stateOf(tableRow(r.stdout, 'spare')), USABLE_STATE, r.stdout);
});
