'use strict';
// The /__mock/ control API, so a mock running as a separate process can be scripted over HTTP.
// Every route maps onto a method of MockUpstream (the in-process API).

const { sendJson, parseJson } = require('./http-util');

function handleControl(mock, method, url, raw, res) {
  const body = raw.length ? parseJson(raw.toString('utf8')) : {};
  if (body === undefined) return sendJson(res, 400, { error: 'control body is not valid JSON' });
  const route = `${method} ${url.pathname.slice('/__mock'.length)}`;
  switch (route) {
    case 'GET /requests':
      return sendJson(res, 200, { requests: mock.requestsTo(url.searchParams.get('path') || undefined) });
    case 'DELETE /requests':
      mock.requests = [];
      return sendJson(res, 200, { ok: true });
    case 'POST /scripts':
      for (const s of Array.isArray(body) ? body : [body]) mock.enqueue(s);
      return sendJson(res, 200, { ok: true, queued: mock.scripts.items.length });
    case 'DELETE /scripts':
      mock.scripts.clear();
      return sendJson(res, 200, { ok: true });
    case 'POST /reset':
      mock.reset();
      return sendJson(res, 200, { ok: true });
    case 'POST /accounts':
      return addAccount(mock, body, res);
    case 'POST /revoke':
      mock.oauth.revokeAccessTokens(body.account);
      return sendJson(res, 200, { ok: true });
    case 'GET /refreshes':
      return sendJson(res, 200, { counts: Object.fromEntries(mock.oauth.refreshCounts), rejected: mock.oauth.rejectedRefreshes });
    case 'POST /settings':
      mock.configure(body);
      return sendJson(res, 200, { ok: true });
    default:
      return sendJson(res, 404, { error: `unknown control route ${route}` });
  }
}

// body: {provider: "claude"|"google"|"apikey", account, refresh_token?, key?}
function addAccount(mock, body, res) {
  if (body.provider === 'claude' && body.refresh_token) mock.oauth.addClaudeAccount(body.account, body.refresh_token);
  else if (body.provider === 'google' && body.refresh_token) mock.oauth.addGoogleAccount(body.account, body.refresh_token);
  else if (body.provider === 'apikey' && body.key) mock.oauth.addApiKey(body.account, body.key);
  else return sendJson(res, 400, { error: 'need provider claude|google with refresh_token, or apikey with key' });
  return sendJson(res, 200, { ok: true });
}

module.exports = { handleControl };
