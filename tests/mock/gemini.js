'use strict';
// Gemini API (PROTOCOLS.md C5.1) and the Code Assist envelope (C5.2) as the mock speaks them.

let seq = 0;

function googleError(status, statusName, message) {
  return { status, json: { error: { code: status, message, status: statusName } } };
}

const partsText = (parts) => (parts || []).map((p) => p.text || (p.functionResponse ? JSON.stringify(p.functionResponse.response) : '')).join(' ');
const estimateTokens = (value) => Math.max(1, Math.ceil(JSON.stringify(value ?? '').length / 4));

function sampleArgs(schema) {
  const props = (schema && schema.properties) || {};
  const names = Array.isArray(schema && schema.required) ? schema.required : Object.keys(props);
  const value = (s) => (['number', 'integer', 'NUMBER', 'INTEGER'].includes(s && s.type) ? 1 : ['boolean', 'BOOLEAN'].includes(s && s.type) ? true : 'mock');
  return Object.fromEntries(names.map((n) => [n, value(props[n])]));
}

// Same rule as the Anthropic mock: call a function when forced (mode ANY) or named by the user.
function chooseFunction(req, lastText, lastIsResponse) {
  const decls = (req.tools || []).flatMap((t) => t.functionDeclarations || []);
  const mode = req.toolConfig && req.toolConfig.functionCallingConfig && req.toolConfig.functionCallingConfig.mode;
  if (!decls.length || lastIsResponse || mode === 'NONE') return undefined;
  const named = decls.find((d) => lastText.toLowerCase().includes(d.name.toLowerCase()));
  return named || (mode === 'ANY' ? decls[0] : undefined);
}

function buildResponse(req, model, opts = {}) {
  const last = (req.contents || [])[req.contents.length - 1] || { parts: [] };
  const lastIsResponse = (last.parts || []).some((p) => p.functionResponse);
  const said = partsText(last.parts).slice(0, 200);
  const text = opts.text !== undefined ? opts.text : lastIsResponse ? `Function result received: ${said}` : `Mock reply to: ${said}`;
  const parts = [{ text }];
  const fn = chooseFunction(req, said, lastIsResponse);
  if (fn) parts.push({ functionCall: { name: fn.name, args: sampleArgs(fn.parameters || fn.parametersJsonSchema) } });
  const promptTokenCount = estimateTokens([req.systemInstruction, req.contents]);
  const candidatesTokenCount = estimateTokens(parts);
  return {
    candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount, candidatesTokenCount, totalTokenCount: promptTokenCount + candidatesTokenCount },
    modelVersion: model,
    responseId: `mockresp${++seq}`,
  };
}

// Streaming: text split over chunks, function calls whole, finishReason and usage on the last one.
function streamChunks(full) {
  const cand = full.candidates[0];
  const text = cand.content.parts[0].text;
  const pieces = text.match(/.{1,12}/gs) || [''];
  const chunk = (parts, last) => ({
    candidates: [{ content: { role: 'model', parts }, index: 0, ...(last ? { finishReason: 'STOP' } : {}) }],
    usageMetadata: last ? full.usageMetadata : { promptTokenCount: full.usageMetadata.promptTokenCount },
    modelVersion: full.modelVersion, responseId: full.responseId,
  });
  const calls = cand.content.parts.slice(1);
  return pieces.map((t, i) => {
    const last = i === pieces.length - 1;
    return chunk(last ? [{ text: t }, ...calls] : [{ text: t }], last);
  });
}

const MODELS = ['gemini-2.5-pro', 'gemini-2.5-flash'].map((id) => ({
  name: `models/${id}`, version: '001', displayName: id, description: 'mock model', inputTokenLimit: 1048576,
  outputTokenLimit: 65536, supportedGenerationMethods: ['generateContent', 'countTokens'],
}));

const sse = (objs) => objs.map((o) => `data: ${JSON.stringify(o)}\r\n\r\n`);

function answer(req, model, method, altSse, wrap, opts) {
  if (!req || !Array.isArray(req.contents)) return googleError(400, 'INVALID_ARGUMENT', 'contents is required');
  if (method === 'countTokens') return { status: 200, json: { totalTokens: estimateTokens(req.contents) } };
  const full = buildResponse(req, model, opts);
  if (method === 'generateContent') return { status: 200, json: wrap(full) };
  const parts = streamChunks(full).map(wrap);
  if (!altSse) return { status: 200, json: parts }; // without alt=sse: one JSON array
  return { status: 200, headers: { 'content-type': 'text/event-stream' }, frames: sse(parts) };
}

// Returns a plan for play(), or undefined when the path is not a Gemini one.
function handleGemini(method, url, body, opts) {
  const path = url.pathname;
  if (method === 'GET' && path === '/v1beta/models') return { status: 200, json: { models: MODELS } };
  const altSse = url.searchParams.get('alt') === 'sse';
  let m = /^\/v1(?:beta)?\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/.exec(path);
  if (m && method === 'POST') {
    if (body === undefined) return googleError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
    return answer(body, m[1], m[2], altSse, (r) => r, opts);
  }
  m = /^\/v1internal:(generateContent|streamGenerateContent|countTokens)$/.exec(path);
  if (m && method === 'POST') {
    if (!body || !body.request) return googleError(400, 'INVALID_ARGUMENT', 'request is required');
    const wrap = (r) => ({ response: r, traceId: `mocktrace${seq}` });
    return answer(body.request, body.model, m[1], altSse, m[1] === 'countTokens' ? (r) => r : wrap, opts);
  }
  return undefined;
}

module.exports = { handleGemini, googleError, buildResponse, streamChunks };
