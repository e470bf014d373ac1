'use strict';
// Code Assist project discovery (PROTOCOLS.md C5.2) as the mock plays it: loadCodeAssist names the
// project of a user already on a tier; a new user gets allowedTiers and must onboardUser, which
// answers a long-running operation that is done after `pollsUntilDone` polls of
// GET /v1internal/operations/{id}. The free tier must not send a project (Precondition Failed).
// GET /v1internal:getCodeAssistGlobalUserSetting answers a fixed setting.

const { googleError } = require('./gemini');

class CodeAssistState {
  constructor() {
    this.reset();
  }

  reset() {
    this.projects = new Map(); // account -> project id (already onboarded users)
    this.operations = new Map(); // operation name -> {account, polls, project}
    this.pollsUntilDone = 2;
    this.counter = 0;
  }

  // An account already on the standard tier with this project.
  setProject(account, project) {
    this.projects.set(account, project);
  }

  load(account) {
    const project = this.projects.get(account);
    if (project) return { status: 200, json: { currentTier: { id: 'standard-tier' }, cloudaicompanionProject: project } };
    return {
      status: 200,
      json: { allowedTiers: [{ id: 'free-tier', isDefault: true, userDefinedCloudaicompanionProject: false }, { id: 'standard-tier', userDefinedCloudaicompanionProject: true }] },
    };
  }

  onboard(account, body) {
    if (!body || !body.tierId) return googleError(400, 'INVALID_ARGUMENT', 'tierId is required');
    if (body.tierId === 'free-tier' && body.cloudaicompanionProject) return googleError(400, 'FAILED_PRECONDITION', 'Precondition Failed');
    const name = `operations/onboard-${++this.counter}`;
    const project = body.cloudaicompanionProject || `free-${account || 'anonymous'}-${this.counter}`;
    this.operations.set(name, { account, polls: this.pollsUntilDone, project });
    return this.poll(name, true);
  }

  poll(name, first = false) {
    const op = this.operations.get(name);
    if (!op) return googleError(404, 'NOT_FOUND', `operation ${name} not found`);
    if (!first) op.polls--;
    if (op.polls > 0) return { status: 200, json: { name, done: false } };
    this.projects.set(op.account, op.project);
    return { status: 200, json: { name, done: true, response: { '@type': 'type.googleapis.com/google.cloud.cloudaicompanion.v1.OnboardUserResponse', cloudaicompanionProject: { id: op.project, name: op.project } } } };
  }
}

// Plans for loadCodeAssist, onboardUser and operation polls, or undefined for other paths.
function handleCodeAssist(state, method, pathname, json, account) {
  if (method === 'POST' && pathname === '/v1internal:loadCodeAssist') return state.load(account);
  if (method === 'POST' && pathname === '/v1internal:onboardUser') return state.onboard(account, json);
  if (method === 'GET' && pathname === '/v1internal:getCodeAssistGlobalUserSetting') {
    return { status: 200, json: { freeTierDataCollectionOptin: false } };
  }
  const m = /^\/v1internal\/(operations\/[^/]+)$/.exec(pathname);
  if (method === 'GET' && m) return state.poll(m[1]);
  return undefined;
}

module.exports = { CodeAssistState, handleCodeAssist };
