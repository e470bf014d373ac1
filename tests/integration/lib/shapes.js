'use strict';
// Assertions for the three error formats the relay answers in (PROTOCOLS.md B, "Errors the relay
// itself produces").
const assert = require('node:assert/strict');

function assertAnthropicError(res, status, type) {
  assert.equal(res.status, status, `status (body: ${res.text})`);
  assert.ok(res.json, `JSON body expected, got: ${res.text}`);
  assert.equal(res.json.type, 'error');
  assert.equal(typeof res.json.error, 'object');
  if (type) assert.equal(res.json.error.type, type);
  assert.equal(typeof res.json.error.message, 'string');
}

function assertOpenAIError(res, status) {
  assert.equal(res.status, status, `status (body: ${res.text})`);
  assert.ok(res.json && res.json.error, `OpenAI error JSON expected, got: ${res.text}`);
  for (const k of ['message', 'type', 'code']) assert.ok(k in res.json.error, `error.${k} missing: ${res.text}`);
  assert.equal(typeof res.json.error.message, 'string');
}

function assertGoogleError(res, status) {
  assert.equal(res.status, status, `status (body: ${res.text})`);
  assert.ok(res.json && res.json.error, `Google error JSON expected, got: ${res.text}`);
  assert.equal(res.json.error.code, status);
  assert.equal(typeof res.json.error.message, 'string');
  assert.equal(typeof res.json.error.status, 'string');
}

module.exports = { assertAnthropicError, assertOpenAIError, assertGoogleError };
