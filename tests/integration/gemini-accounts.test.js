'use strict';
// The Gemini provider end to end against the mock: gemini-api accounts on the public API,
// gemini OAuth accounts on Code Assist (token refresh, project discovery through loadCodeAssist
// and an onboardUser operation, stored across a restart; the envelope wrapped on the way up and
// unwrapped on the way down in every framing), the Code Assist pass-through, and each error row.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startGeminiEnv, geminiOauth, geminiApi, apiKeyOf, refreshTokenOf, servedBy, RELAY_KEY } = require('./lib/gemini-env');

const googleError = (code, status, message, details = []) => ({ error: { code, message, status, details } });
const retryInfo = (delay) => ({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: delay });
const perModelQuota = (model) => ({
  '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
  violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests', quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier', quotaDimensions: { location: 'global', model } }],
});
const { spawnSync } = require('child_process');
const { rawExchange } = require('./lib/raw');
const path = require('path');
const hasSqlite = spawnSync('sqlite3', ['-version']).status === 0;
const sseData = (text) => text.split(/\r\n\r\n/).filter((f) => f.startsWith('data: ')).map((f) => JSON.parse(f.slice(6)));
const textOf = (responses) => responses.map((r) => r.candidates[0].content.parts.map((p) => p.text || '').join('')).join('');

test('gemini-api: an array stream the upstream cuts ends unterminated, with no SSE frame in the JSON', async (t) => {
  const env = await startGeminiEnv(t, { accounts: [geminiApi('k1')] });
  const first = '[{"candidates":[{"content":{"role":"model","parts":[{"text":"partial"}]},"index":0}]}';
  env.mock.enqueue({ credential: apiKeyOf('k1'), frames: [first, ',{"candidates":[]}', ']'], headers: { 'content-type': 'application/json' }, dieAfterEvents: 1 });
  const body = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'cut me' }] }] });
  const { text } = await rawExchange(env.relay.port, 'POST /gemini/v1beta/models/gemini-2.5-pro:streamGenerateContent HTTP/1.1\r\n' +
    `Host: x\r\nx-goog-api-key: ${RELAY_KEY}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
  assert.match(text, /^HTTP\/1\.1 200 /, text);
  assert.ok(text.includes('partial'), text);
  assert.ok(!text.includes('data: '), `no SSE frame in a JSON body: ${text}`);
  assert.ok(!text.includes('\r\n0\r\n\r\n'), `no clean terminator: the cut shows: ${text}`);
});

test('gemini-api: generate, SSE and array streams, countTokens and models on the public API', async (t) => {
  const env = await startGeminiEnv(t, { accounts: [geminiApi('k1')] });
  const plain = await env.generate({ text: 'plain hello' });
  assert.equal(plain.res.status, 200, plain.res.text);
  assert.match(textOf([plain.res.json]), /plain hello/);
  assert.equal(plain.calls.length, 1);
  assert.equal(plain.calls[0].pathname, '/v1beta/models/gemini-2.5-pro:generateContent');
  assert.equal(plain.calls[0].headers['x-goog-api-key'], apiKeyOf('k1'), 'the account key, not the relay key');
  assert.ok(!JSON.stringify(plain.calls[0].headers).includes(RELAY_KEY), 'the relay key never goes upstream');

  const sse = await env.generate({ method: 'streamGenerateContent', query: '?alt=sse', text: 'sse hello' });
  assert.equal(sse.res.status, 200);
  assert.match(sse.res.headers.get('content-type'), /text\/event-stream/);
  assert.match(sse.res.text, /\r\n\r\n/, 'CRLF frames as Google sends them');
  assert.equal(textOf(sseData(sse.res.text)), 'Mock reply to: sse hello');
  assert.equal(sse.calls[0].query.alt, 'sse');

  const array = await env.generate({ method: 'streamGenerateContent', text: 'array hello' });
  assert.equal(array.res.status, 200);
  assert.ok(Array.isArray(array.res.json), 'without alt=sse: one JSON array');
  assert.equal(textOf(array.res.json), 'Mock reply to: array hello');

  const count = await env.post('/gemini/v1beta/models/gemini-2.5-pro:countTokens', { contents: [{ role: 'user', parts: [{ text: 'count me' }] }] });
  assert.equal(count.status, 200, count.text);
  assert.ok(count.json.totalTokens > 0);

  for (const version of ['v1', 'v1beta']) {
    const models = await env.get(`/gemini/${version}/models`);
    assert.equal(models.status, 200);
    assert.ok(models.json.models.some((m) => m.name === 'models/gemini-2.5-pro'));
  }
  const v1 = await env.generate({ version: 'v1', text: 'v1 hello' });
  assert.equal(v1.res.status, 200, v1.res.text);
  assert.equal(v1.calls[0].pathname, '/v1/models/gemini-2.5-pro:generateContent');
});

test('gemini OAuth, free tier: token, loadCodeAssist, onboardUser polled; envelope in and out; stored across a restart', async (t) => {
  const env = await startGeminiEnv(t, { accounts: [geminiOauth('o1')] });
  const first = await env.generate({ text: 'oauth hello' });
  assert.equal(first.res.status, 200, first.res.text);
  assert.match(textOf([first.res.json]), /oauth hello/);
  assert.equal(first.res.json.traceId, undefined, 'the envelope is gone');

  const token = env.mock.requestsTo('/token');
  assert.equal(token.length, 1);
  const form = new URLSearchParams(token[0].body);
  assert.equal(form.get('grant_type'), 'refresh_token');
  assert.equal(form.get('refresh_token'), refreshTokenOf('o1'));
  assert.equal(form.get('client_id'), '681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com');
  assert.ok(form.get('client_secret'));
  assert.equal(env.mock.requestsTo('/v1internal:loadCodeAssist').length, 1);
  const onboard = env.mock.requestsTo('/v1internal:onboardUser');
  assert.equal(onboard.length, 1);
  assert.equal(onboard[0].json.tierId, 'free-tier');
  assert.equal(onboard[0].json.cloudaicompanionProject, undefined, 'the free tier sends no project');
  const polls = env.mock.requests.filter((r) => r.pathname.startsWith('/v1internal/operations/'));
  assert.equal(polls.length, 2, 'the operation was polled until done');
  const onboarded = onboard[0].time;
  assert.ok(polls[0].time - onboarded >= 1800, `first poll ${polls[0].time - onboarded} ms after onboardUser, not at once`);
  assert.ok(polls[1].time - polls[0].time >= 1800, 'polls are spaced by the poll delay');

  const [call] = first.calls;
  assert.equal(call.pathname, '/v1internal:generateContent');
  assert.equal(call.account, 'o1');
  assert.equal(call.json.model, 'gemini-2.5-pro');
  assert.match(call.json.project, /^free-o1-/);
  assert.ok(call.json.user_prompt_id);
  assert.equal(call.json.request.contents[0].parts[0].text, 'oauth hello');

  const sse = await env.generate({ method: 'streamGenerateContent', query: '?alt=sse', text: 'oauth sse' });
  assert.equal(sse.res.status, 200);
  const chunks = sseData(sse.res.text);
  assert.ok(chunks.length > 1);
  assert.ok(chunks.every((c) => c.candidates && c.traceId === undefined), 'every chunk unwrapped');
  assert.equal(textOf(chunks), 'Mock reply to: oauth sse');

  const array = await env.generate({ method: 'streamGenerateContent', text: 'oauth array' });
  assert.equal(array.res.status, 200, array.res.text);
  assert.ok(Array.isArray(array.res.json));
  assert.equal(textOf(array.res.json), 'Mock reply to: oauth array');

  const count = await env.post('/gemini/v1beta/models/gemini-2.5-pro:countTokens', { contents: [{ role: 'user', parts: [{ text: 'count' }] }] });
  assert.equal(count.status, 200, count.text);
  assert.ok(count.json.totalTokens > 0);
  assert.equal(env.mock.requestsTo('/v1internal:countTokens')[0].json.request.model, 'models/gemini-2.5-pro');

  await env.restart();
  const mark = env.mark();
  const again = await env.generate({ text: 'after restart' });
  assert.equal(again.res.status, 200, again.res.text);
  assert.equal(again.calls[0].json.project, call.json.project, 'the stored project is used');
  assert.equal(env.since(mark, '/v1internal:loadCodeAssist').length, 0, 'no discovery after the restart');
  assert.equal(env.since(mark, '/v1internal:onboardUser').length, 0);
});

test('gemini OAuth: a configured project_id or one loadCodeAssist names is used as it is', async (t) => {
  const env = await startGeminiEnv(t, { accounts: [geminiOauth('known'), geminiOauth('fixed', { project_id: 'my-proj', priority: 10 })] });
  env.mock.codeAssist.setProject('known', 'proj-known');
  env.mock.codeAssist.setProject('fixed', 'my-proj');
  const a = await env.generate();
  assert.equal(a.res.status, 200, a.res.text);
  assert.equal(a.calls[0].json.project, 'proj-known');
  assert.equal(env.mock.requestsTo('/v1internal:onboardUser').length, 0);
});

test('the Code Assist pass-through keeps the envelope both ways', async (t) => {
  const env = await startGeminiEnv(t, { accounts: [geminiOauth('o1', { project_id: 'proj-p' })] });
  env.mock.codeAssist.setProject('o1', 'proj-p');
  const body = { model: 'gemini-2.5-pro', project: 'proj-p', user_prompt_id: 'p1', request: { contents: [{ role: 'user', parts: [{ text: 'cli says hi' }] }] } };
  const res = await env.post('/gemini/v1internal:generateContent', body);
  assert.equal(res.status, 200, res.text);
  assert.ok(res.json.response, 'still wrapped');
  assert.match(textOf([res.json.response]), /cli says hi/);
  const load = await env.post('/gemini/v1internal:loadCodeAssist', { metadata: { pluginType: 'GEMINI' } });
  assert.equal(load.status, 200, load.text);
  assert.equal(load.json.cloudaicompanionProject, 'proj-p');
});

test('429 with a per-model quota limits that model on the account; the next account serves', async (t) => {
  const env = await startGeminiEnv(t, { accounts: [geminiApi('a', { priority: 100 }), geminiApi('b', { priority: 10 })] });
  env.mock.enqueue({ credential: apiKeyOf('a'), status: 429, body: googleError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded', [perModelQuota('gemini-2.5-pro'), retryInfo('120s')]) });
  const first = await env.generate({ model: 'gemini-2.5-pro' });
  assert.equal(first.res.status, 200, first.res.text);
  assert.deepEqual(first.calls.map((c) => c.account), ['a', 'b']);
  const pro = await env.generate({ model: 'gemini-2.5-pro' });
  assert.deepEqual(pro.calls.map((c) => c.account), ['b'], 'the limited model skips account a');
  const flash = await env.generate({ model: 'gemini-2.5-flash' });
  assert.deepEqual(flash.calls.map((c) => c.account), ['a'], 'other models still use account a');
});

test('429 without a per-model quota cools the whole account', async (t) => {
  const env = await startGeminiEnv(t, { accounts: [geminiApi('a', { priority: 100 }), geminiApi('b', { priority: 10 })] });
  env.mock.enqueue({ credential: apiKeyOf('a'), status: 429, body: googleError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted', [retryInfo('60s')]) });
  const first = await env.generate({ model: 'gemini-2.5-pro' });
  assert.deepEqual(first.calls.map((c) => c.account), ['a', 'b']);
  const flash = await env.generate({ model: 'gemini-2.5-flash' });
  assert.deepEqual(flash.calls.map((c) => c.account), ['b']);
});

for (const [row, script] of [
  ['400 API_KEY_INVALID', { status: 400, body: googleError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }]) }],
  ['403 PERMISSION_DENIED', { status: 403, body: googleError(403, 'PERMISSION_DENIED', 'Generative Language API has not been used in project 123') }],
  ['503 UNAVAILABLE', { status: 503, body: googleError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.') }],
  ['500 INTERNAL', { status: 500 }],
]) {
  test(`${row}: the next account serves`, async (t) => {
    const env = await startGeminiEnv(t, { accounts: [geminiApi('a', { priority: 100 }), geminiApi('b', { priority: 10 })] });
    env.mock.enqueue({ credential: apiKeyOf('a'), ...script });
    const r = await env.generate();
    assert.equal(r.res.status, 200, r.res.text);
    assert.deepEqual(r.calls.map((c) => c.account), ['a', 'b']);
  });
}

test('a client error passes through in Gemini shape; nothing to serve is 503 in Gemini shape', async (t) => {
  const env = await startGeminiEnv(t, { accounts: [geminiApi('a')] });
  env.mock.enqueue({ credential: apiKeyOf('a'), status: 400, body: googleError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.') });
  const bad = await env.generate();
  assert.equal(bad.res.status, 400);
  assert.equal(bad.res.json.error.status, 'INVALID_ARGUMENT');
  env.mock.enqueue({ credential: apiKeyOf('a'), status: 503, repeat: true });
  const down = await env.generate();
  assert.ok(down.res.status >= 500, down.res.text);
  assert.equal(typeof down.res.json.error.code, 'number', down.res.text);
  assert.equal(typeof down.res.json.error.message, 'string');
  assert.equal(typeof down.res.json.error.status, 'string');
});

test('gemini OAuth: a 401 refreshes once and retries; invalid_grant hands over to the next account', async (t) => {
  const env = await startGeminiEnv(t, { accounts: [geminiOauth('o1', { project_id: 'p1', priority: 100 }), geminiApi('k1', { priority: 10 })] });
  env.mock.codeAssist.setProject('o1', 'p1');
  assert.equal((await env.generate()).res.status, 200);
  env.mock.oauth.revokeAccessTokens('o1');
  const retried = await env.generate();
  assert.equal(retried.res.status, 200, retried.res.text);
  assert.deepEqual(retried.calls.map((c) => c.account), [undefined, 'o1'], 'one 401, then the refreshed token');
  assert.equal(env.mock.refreshCount('o1'), 2);

  env.mock.oauth.revokeAccessTokens('o1');
  env.mock.oauth.refreshTokens.clear(); // the refresh token is dead: invalid_grant
  const handed = await env.generate();
  assert.equal(handed.res.status, 200, handed.res.text);
  assert.equal(servedBy(handed.calls), 'k1');
});

test('a whole gemini-api answer passes through with its Content-Length; usage is still recorded', { skip: !hasSqlite && 'no sqlite3 CLI' }, async (t) => {
  const env = await startGeminiEnv(t, { accounts: [geminiApi('k1', { priority: 100 }), geminiOauth('o1', { project_id: 'p1', priority: 10 })] });
  env.mock.codeAssist.setProject('o1', 'p1');
  const plain = await env.generate({ text: 'length please' });
  assert.equal(plain.res.status, 200, plain.res.text);
  assert.equal(plain.calls[0].account, 'k1');
  assert.equal(plain.res.headers.get('content-length'), String(Buffer.byteLength(plain.res.text)), 'the upstream length is kept');
  assert.equal(plain.res.headers.get('transfer-encoding'), null, 'not re-chunked');
  const usage = plain.res.json.usageMetadata;

  // An OAuth account's answer is unwrapped, so its length is the relay's to decide (chunked).
  env.mock.enqueue({ credential: apiKeyOf('k1'), status: 503, repeat: true });
  const wrapped = await env.generate({ text: 'unwrapped please' });
  assert.equal(wrapped.res.status, 200, wrapped.res.text);
  assert.equal(servedBy(wrapped.calls), 'o1');
  assert.equal(wrapped.res.json.traceId, undefined);

  await env.relay.stop('SIGTERM');
  const db = path.join(env.dir, 'relay.db');
  // Usage is summed per account and hour (usage_hourly); the 503 attempt on k1 adds no tokens.
  const rows = spawnSync('sqlite3', ['-json', db, 'select account_id, sum(input_tokens) as input_tokens, sum(output_tokens) as output_tokens from usage_hourly group by account_id order by account_id'], { encoding: 'utf8' }).stdout;
  const recorded = Object.fromEntries(JSON.parse(rows || '[]').map((r) => [r.account_id, r]));
  assert.deepEqual(recorded.k1, { account_id: 'k1', input_tokens: usage.promptTokenCount, output_tokens: usage.candidatesTokenCount });
  assert.ok(recorded.o1 && recorded.o1.output_tokens > 0, JSON.stringify(recorded));
});

test('onboardUser still running after several polls: polled with a delay until done', async (t) => {
  const env = await startGeminiEnv(t, { accounts: [geminiOauth('slow')] });
  env.mock.codeAssist.pollsUntilDone = 3;
  const started = Date.now();
  const first = await env.generate({ text: 'after onboarding' });
  assert.equal(first.res.status, 200, first.res.text);
  const polls = env.mock.requests.filter((r) => r.pathname.startsWith('/v1internal/operations/'));
  assert.equal(polls.length, 3);
  for (let i = 1; i < polls.length; i++) assert.ok(polls[i].time - polls[i - 1].time >= 1800, 'spaced polls');
  assert.ok(Date.now() - started >= 3 * 1800, 'the request waited for the operation');
  assert.match(first.calls[0].json.project, /^free-slow-/);
});

test('Code Assist GETs pass through: a long-running operation and getCodeAssistGlobalUserSetting', async (t) => {
  const env = await startGeminiEnv(t, { accounts: [geminiOauth('o1', { project_id: 'proj-p' })] });
  env.mock.codeAssist.setProject('o1', 'proj-p');
  env.mock.codeAssist.pollsUntilDone = 1;
  const onboarded = env.mock.codeAssist.onboard('cli-user', { tierId: 'free-tier' });
  const name = onboarded.json.name;
  const op = await env.get(`/gemini/v1internal/${name}`);
  assert.equal(op.status, 200, op.text);
  assert.equal(op.json.name, name);
  assert.equal(op.json.done, true);
  const [upstream] = env.mock.requests.filter((r) => r.pathname === `/v1internal/${name}`);
  assert.equal(upstream.method, 'GET');
  assert.equal(upstream.account, 'o1', "the account's token, not the relay key");
  const setting = await env.get('/gemini/v1internal:getCodeAssistGlobalUserSetting');
  assert.equal(setting.status, 200, setting.text);
  assert.equal(setting.json.freeTierDataCollectionOptin, false);
});
