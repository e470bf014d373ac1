'use strict';
// OAuth token endpoints (PROTOCOLS.md B + C2 + C5.2) with the state a relay test needs to check:
// Claude refresh tokens rotate and are single-use; Google refresh tokens do not rotate.
// Claude login: GET /oauth/authorize stands in for the sign-in page (it answers with the code the
// page would show, `code#state`), and the token endpoint's authorization_code grant checks the
// PKCE verifier against the challenge; a code works once. Google login: GET /o/oauth2/v2/auth for
// gemini-cli's client (its manual-code page shows the bare code), the same checks on the
// form-encoded exchange at /token, and an id_token naming the e-mail.

const crypto = require('crypto');

const CLAUDE_CLIENT_ID = '9d1c250a-e61b-44d9-88ed-5944d1962f5e';
const GOOGLE_CLIENT_ID = '681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com';
const GOOGLE_SCOPES = ['https://www.googleapis.com/auth/cloud-platform', 'https://www.googleapis.com/auth/userinfo.email', 'https://www.googleapis.com/auth/userinfo.profile'];

const pkceChallenge = (verifier) => crypto.createHash('sha256').update(String(verifier || '')).digest('base64url');
const unsignedJwt = (claims) => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;

class OAuthState {
  constructor() {
    this.reset();
  }

  reset() {
    this.refreshTokens = new Map(); // refresh token -> {provider, account}
    this.accessTokens = new Map(); // access token -> {provider, account, expiresAt}
    this.apiKeys = new Map(); // api key -> account
    this.refreshCounts = new Map(); // account -> successful refreshes
    this.rejectedRefreshes = 0;
    this.claudeExpiresIn = 28800;
    this.googleExpiresIn = 3599;
    this.counter = 0;
    this.authCodes = new Map(); // code -> {account, challenge, state, redirectUri, used}
    this.authorizeAccount = 'login'; // the account the next sign-in belongs to
    this.exchanges = []; // {ok, error} per authorization_code grant
  }

  // The sign-in page: remembers the PKCE challenge and hands out a one-time code.
  authorize(query) {
    const bad = (d) => ({ status: 400, json: { error: 'invalid_request', error_description: d } });
    if (query.get('client_id') !== CLAUDE_CLIENT_ID) return bad('unknown client_id');
    if (query.get('response_type') !== 'code') return bad('response_type must be code');
    if (query.get('code_challenge_method') !== 'S256' || !query.get('code_challenge')) return bad('PKCE S256 required');
    if (!query.get('state') || !query.get('redirect_uri')) return bad('state and redirect_uri required');
    const code = `mock-auth-code-${++this.counter}`;
    this.authCodes.set(code, {
      account: this.authorizeAccount, challenge: query.get('code_challenge'), state: query.get('state'),
      redirectUri: query.get('redirect_uri'), scope: query.get('scope'), used: false,
    });
    return { status: 200, json: { code, state: query.get('state'), shown: `${code}#${query.get('state')}` } };
  }

  // Google's sign-in page for gemini-cli's installed-app client with the manual-code redirect.
  authorizeGoogle(query) {
    const bad = (d) => ({ status: 400, json: { error: 'invalid_request', error_description: d } });
    if (query.get('client_id') !== GOOGLE_CLIENT_ID) return bad('unknown client_id');
    if (query.get('response_type') !== 'code') return bad('response_type must be code');
    if (query.get('code_challenge_method') !== 'S256' || !query.get('code_challenge')) return bad('PKCE S256 required');
    if (!query.get('state') || !query.get('redirect_uri')) return bad('state and redirect_uri required');
    const scopes = String(query.get('scope') || '').split(' ');
    if (!GOOGLE_SCOPES.every((s) => scopes.includes(s))) return bad('missing scopes');
    const code = `4/0mock-google-code-${++this.counter}`;
    this.authCodes.set(code, {
      account: this.authorizeAccount, challenge: query.get('code_challenge'), state: query.get('state'),
      redirectUri: query.get('redirect_uri'), scope: query.get('scope'), used: false, google: true,
    });
    return { status: 200, json: { code, state: query.get('state'), shown: code } };
  }

  exchangeGoogle(form) {
    const fail = (error, description) => {
      this.exchanges.push({ ok: false, error });
      return { status: 400, json: { error, error_description: description } };
    };
    if (form.get('client_id') !== GOOGLE_CLIENT_ID || !form.get('client_secret')) return fail('invalid_client', 'The OAuth client was not found.');
    const grant = this.authCodes.get(form.get('code'));
    if (!grant || !grant.google || grant.used) return fail('invalid_grant', 'Bad Request');
    if (grant.redirectUri !== form.get('redirect_uri')) return fail('redirect_uri_mismatch', 'Bad Request');
    if (pkceChallenge(form.get('code_verifier')) !== grant.challenge) return fail('invalid_grant', 'Invalid code verifier.');
    grant.used = true;
    this.exchanges.push({ ok: true });
    const { access, n } = this.issue('google', grant.account, this.googleExpiresIn);
    const refresh = `1//mock-login-${grant.account}-${n}`;
    this.refreshTokens.set(refresh, { provider: 'google', account: grant.account });
    return {
      status: 200,
      json: {
        access_token: access, expires_in: this.googleExpiresIn, refresh_token: refresh, scope: grant.scope, token_type: 'Bearer',
        id_token: unsignedJwt({ iss: 'https://accounts.google.com', aud: GOOGLE_CLIENT_ID, email: `${grant.account}@example.test`, email_verified: true }),
      },
    };
  }

  exchangeClaude(body) {
    const fail = (error, description) => {
      this.exchanges.push({ ok: false, error });
      return { status: 400, json: { error, error_description: description } };
    };
    if (body.client_id !== CLAUDE_CLIENT_ID) return fail('invalid_request', 'Invalid request format');
    const grant = this.authCodes.get(body.code);
    if (!grant || grant.used) return fail('invalid_grant', 'Invalid or expired authorization code');
    if (grant.redirectUri !== body.redirect_uri) return fail('invalid_grant', 'redirect_uri mismatch');
    if (grant.state !== body.state) return fail('invalid_grant', 'state mismatch');
    if (pkceChallenge(body.code_verifier) !== grant.challenge) return fail('invalid_grant', 'PKCE verification failed');
    grant.used = true;
    this.exchanges.push({ ok: true });
    const { access, n } = this.issue('claude', grant.account, this.claudeExpiresIn);
    const refresh = `sk-ant-ort01-mock-${grant.account}-${n}`;
    this.refreshTokens.set(refresh, { provider: 'claude', account: grant.account });
    return {
      status: 200,
      json: {
        token_type: 'Bearer', access_token: access, refresh_token: refresh, expires_in: this.claudeExpiresIn,
        scope: grant.scope,
        account: { uuid: `uuid-${grant.account}`, email_address: `${grant.account}@example.test` },
        organization: { uuid: `org-${grant.account}`, name: `Org ${grant.account}` },
      },
    };
  }

  addClaudeAccount(account, refreshToken) {
    this.refreshTokens.set(refreshToken, { provider: 'claude', account });
  }

  addGoogleAccount(account, refreshToken) {
    this.refreshTokens.set(refreshToken, { provider: 'google', account });
  }

  addApiKey(account, key) {
    this.apiKeys.set(key, account);
  }

  // Makes every issued access token unknown, as if they had expired upstream.
  revokeAccessTokens(account) {
    for (const [token, info] of this.accessTokens) if (!account || info.account === account) this.accessTokens.delete(token);
  }

  // The account a credential belongs to, or undefined when the mock does not know it.
  accountOf(credential) {
    if (credential === undefined) return undefined;
    if (this.apiKeys.has(credential)) return this.apiKeys.get(credential);
    const info = this.accessTokens.get(credential);
    return info && info.expiresAt > Date.now() ? info.account : undefined;
  }

  issue(provider, account, expiresIn) {
    const n = ++this.counter;
    const access = provider === 'claude' ? `sk-ant-oat01-mock-${account}-${n}` : `ya29.mock-${account}-${n}`;
    this.accessTokens.set(access, { provider, account, expiresAt: Date.now() + expiresIn * 1000 });
    this.refreshCounts.set(account, (this.refreshCounts.get(account) || 0) + 1);
    return { access, n };
  }

  refreshClaude(body) {
    const bad = (description) => ({ status: 400, json: { error: 'invalid_grant', error_description: description } });
    if (body && body.grant_type === 'authorization_code') return this.exchangeClaude(body);
    if (!body || body.grant_type !== 'refresh_token') return { status: 400, json: { error: 'unsupported_grant_type', error_description: 'grant_type must be refresh_token' } };
    if (body.client_id !== CLAUDE_CLIENT_ID) return { status: 400, json: { error: 'invalid_request', error_description: 'Invalid request format' } };
    const info = this.refreshTokens.get(body.refresh_token);
    if (!info || info.provider !== 'claude') {
      this.rejectedRefreshes++;
      return bad('Refresh token not found or invalid');
    }
    this.refreshTokens.delete(body.refresh_token); // single use: the old token is dead now
    const { access, n } = this.issue('claude', info.account, this.claudeExpiresIn);
    const refresh = `sk-ant-ort01-mock-${info.account}-${n}`;
    this.refreshTokens.set(refresh, info);
    return {
      status: 200,
      json: {
        token_type: 'Bearer', access_token: access, refresh_token: refresh, expires_in: this.claudeExpiresIn,
        scope: 'user:inference user:profile',
        account: { uuid: `uuid-${info.account}`, email_address: `${info.account}@example.test` },
        organization: { uuid: `org-${info.account}`, name: `Org ${info.account}` },
      },
    };
  }

  refreshGoogle(form) {
    if (form.get('grant_type') === 'authorization_code') return this.exchangeGoogle(form);
    if (form.get('grant_type') !== 'refresh_token' || !form.get('client_id')) {
      return { status: 400, json: { error: 'invalid_request', error_description: 'grant_type and client_id are required' } };
    }
    const info = this.refreshTokens.get(form.get('refresh_token'));
    if (!info || info.provider !== 'google') {
      this.rejectedRefreshes++;
      return { status: 400, json: { error: 'invalid_grant', error_description: 'Bad Request' } };
    }
    const { access } = this.issue('google', info.account, this.googleExpiresIn);
    return {
      status: 200,
      json: {
        access_token: access, expires_in: this.googleExpiresIn, token_type: 'Bearer',
        scope: 'https://www.googleapis.com/auth/cloud-platform https://www.googleapis.com/auth/userinfo.email',
      },
    };
  }
}

// Plans for the token endpoints, or undefined for other paths.
function handleOAuth(state, method, pathname, headers, rawBody, json, query) {
  if (method === 'GET' && pathname === '/oauth/authorize' && query) return state.authorize(query);
  if (method === 'GET' && pathname === '/o/oauth2/v2/auth' && query) return state.authorizeGoogle(query);
  if (method !== 'POST') return undefined;
  if (pathname === '/v1/oauth/token') {
    if (!String(headers['content-type'] || '').includes('application/json')) {
      return { status: 400, json: { error: 'invalid_request', error_description: 'expected a JSON body' } };
    }
    return state.refreshClaude(json);
  }
  if (pathname === '/token') return state.refreshGoogle(new URLSearchParams(rawBody.toString('utf8')));
  return undefined;
}

module.exports = { OAuthState, handleOAuth, CLAUDE_CLIENT_ID, GOOGLE_CLIENT_ID };
