'use strict';
// Anthropic Messages API as the mock speaks it (PROTOCOLS.md C1): builds a whole message from the
// request, then derives the SSE frames from that message so both forms always agree.

let seq = 0;
const nextId = (prefix) => `${prefix}${Date.now().toString(36)}${(++seq).toString(36).padStart(6, '0')}`;

function anthropicError(status, type, message) {
  return { status, json: { type: 'error', error: { type, message }, request_id: nextId('req_mock') } };
}

function blockText(content) {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((b) => (b.type === 'text' ? b.text : b.type === 'tool_result' ? blockText(b.content) : '')).join(' ');
}

const estimateTokens = (value) => Math.max(1, Math.ceil(JSON.stringify(value ?? '').length / 4));
const lastMessage = (body) => body.messages[body.messages.length - 1] || { content: '' };
// The last user turn: Claude Code ends requests with a system message naming every tool, which
// must not count as the user asking for one.
const lastUserMessage = (body) =>
  [...body.messages].reverse().find((m) => m.role === 'user') || { content: '' };

function sampleValue(schema) {
  switch (schema && schema.type) {
    case 'number': case 'integer': return 1;
    case 'boolean': return true;
    case 'array': return [sampleValue(schema.items)];
    case 'object': return sampleInput(schema);
    default: return schema && Array.isArray(schema.enum) ? schema.enum[0] : 'mock';
  }
}

function sampleInput(schema) {
  const props = (schema && schema.properties) || {};
  const names = Array.isArray(schema && schema.required) ? schema.required : Object.keys(props);
  return Object.fromEntries(names.map((n) => [n, sampleValue(props[n])]));
}

// A tool is used when the request offers tools, the last turn is not a tool result, and the
// client forces one (tool_choice any/tool) or the last user turn's text names a tool.
function chooseTool(body) {
  const tools = Array.isArray(body.tools) ? body.tools.filter((t) => t.name && t.input_schema) : [];
  const last = lastUserMessage(body);
  const isResult = Array.isArray(last.content) && last.content.some((b) => b.type === 'tool_result');
  const choice = body.tool_choice || {};
  if (!tools.length || isResult || choice.type === 'none') return undefined;
  if (choice.type === 'tool') return tools.find((t) => t.name === choice.name);
  const text = blockText(last.content).toLowerCase();
  return tools.find((t) => text.includes(t.name.toLowerCase())) || (choice.type === 'any' ? tools[0] : undefined);
}

function validate(body) {
  if (!body || typeof body !== 'object') return 'request body must be a JSON object';
  if (typeof body.model !== 'string') return 'model: Field required';
  if (!Number.isInteger(body.max_tokens) || body.max_tokens < 1) return 'max_tokens: Field required';
  if (!Array.isArray(body.messages) || !body.messages.length) return 'messages: Field required';
  return undefined;
}

function replyText(body, override) {
  if (override !== undefined) return override;
  const last = lastMessage(body);
  const said = blockText(last.content).slice(0, 200);
  const isResult = Array.isArray(last.content) && last.content.some((b) => b.type === 'tool_result');
  return isResult ? `Tool result received: ${said}` : `Mock reply to: ${said}`;
}

function buildMessage(body, opts = {}) {
  const tool = chooseTool(body);
  const text = replyText(body, opts.text);
  const content = [{ type: 'text', text }];
  if (tool) content.push({ type: 'tool_use', id: nextId('toolu_mock'), name: tool.name, input: sampleInput(tool.input_schema) });
  const usage = {
    input_tokens: estimateTokens([body.system, body.messages, body.tools]),
    output_tokens: estimateTokens(content),
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
  return {
    id: nextId('msg_mock'), type: 'message', role: 'assistant', model: body.model, content,
    stop_reason: tool ? 'tool_use' : 'end_turn', stop_sequence: null, usage,
  };
}

const frame = (event, data) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

function chunks(text, size) {
  const out = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length ? out : [''];
}

function blockFrames(block, index) {
  const frames = [];
  if (block.type === 'text') {
    frames.push(frame('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }));
    for (const text of chunks(block.text, 8)) {
      frames.push(frame('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text } }));
    }
  } else {
    const shell = { type: 'tool_use', id: block.id, name: block.name, input: {} };
    frames.push(frame('content_block_start', { type: 'content_block_start', index, content_block: shell }));
    for (const partial_json of ['', ...chunks(JSON.stringify(block.input), 10)]) {
      frames.push(frame('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } }));
    }
  }
  frames.push(frame('content_block_stop', { type: 'content_block_stop', index }));
  return frames;
}

function streamFrames(message) {
  const start = { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { ...message.usage, output_tokens: 1 } };
  const frames = [frame('message_start', { type: 'message_start', message: start }), frame('ping', { type: 'ping' })];
  message.content.forEach((block, i) => frames.push(...blockFrames(block, i)));
  frames.push(frame('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: message.stop_reason, stop_sequence: null },
    usage: { ...message.usage }, // cumulative, as the real API reports it
  }));
  frames.push(frame('message_stop', { type: 'message_stop' }));
  return frames;
}

const MODELS = ['claude-opus-4-5', 'claude-sonnet-4-5', 'claude-haiku-4-5'].map((id) => ({
  type: 'model', id, display_name: id.replace(/-/g, ' '), created_at: '2025-09-29T00:00:00Z',
}));

// Returns a plan for play(): {status, headers, json} or {status, headers, frames}.
function handleAnthropic(method, pathname, body, opts) {
  const headers = { 'request-id': nextId('req_mock') };
  if (method === 'GET' && pathname === '/v1/models') {
    return { status: 200, headers, json: { data: MODELS, has_more: false, first_id: MODELS[0].id, last_id: MODELS[MODELS.length - 1].id } };
  }
  if (method === 'GET' && pathname.startsWith('/v1/models/')) {
    const model = MODELS.find((m) => m.id === pathname.slice('/v1/models/'.length));
    return model ? { status: 200, headers, json: model } : anthropicError(404, 'not_found_error', 'model not found');
  }
  if (method !== 'POST') return undefined;
  if (body === undefined) return anthropicError(400, 'invalid_request_error', 'request body is not valid JSON');
  if (pathname === '/v1/messages/count_tokens') {
    if (typeof body.model !== 'string' || !Array.isArray(body.messages)) return anthropicError(400, 'invalid_request_error', 'model and messages are required');
    return { status: 200, headers, json: { input_tokens: estimateTokens([body.system, body.messages, body.tools]) } };
  }
  if (pathname !== '/v1/messages') return undefined;
  const problem = validate(body);
  if (problem) return anthropicError(400, 'invalid_request_error', problem);
  const message = buildMessage(body, opts);
  if (!body.stream) return { status: 200, headers, json: message };
  return { status: 200, headers: { ...headers, 'content-type': 'text/event-stream', 'cache-control': 'no-cache' }, frames: streamFrames(message) };
}

module.exports = { handleAnthropic, anthropicError, buildMessage, streamFrames, sampleInput };
