'use strict';
// Scripted behaviour: tests enqueue responses (or behaviours such as slow streaming, hanging, dying
// mid-stream) that the next matching request consumes; play() writes any plan to the client.

const { sleep, killResponse } = require('./http-util');

class ScriptQueue {
  constructor() {
    this.items = [];
  }

  // script: {path?, method?, credential?, times?, repeat?, status?, headers?, body?, frames?, text?,
  //          delayMs?, headersDelayMs?, until? (a promise the answer waits for), hang?,
  //          dieAfterEvents?, dieAfterBytes?}
  enqueue(script) {
    this.items.push({ times: 1, ...script });
  }

  clear() {
    this.items = [];
  }

  // Takes the first script that matches this request (FIFO), or undefined.
  take(method, pathname, credential) {
    const i = this.items.findIndex((s) =>
      (s.method === undefined || s.method === method) &&
      (s.credential === undefined || s.credential === credential) &&
      (s.path === undefined || pathname === s.path || (s.path.endsWith('*') && pathname.startsWith(s.path.slice(0, -1)))));
    if (i < 0) return undefined;
    const s = this.items[i];
    if (!s.repeat && --s.times <= 0) this.items.splice(i, 1);
    return s;
  }
}

const toFrame = (f) => (typeof f === 'string' ? f : `event: ${f.event}\ndata: ${typeof f.data === 'string' ? f.data : JSON.stringify(f.data)}\n\n`);

// Replaces the generated plan by the script's own status/headers/body/frames where given.
function applyScript(plan, script) {
  if (!script) return plan;
  const out = { ...plan, headers: { ...(plan.headers || {}), ...(script.headers || {}) } };
  if (script.status !== undefined) out.status = script.status;
  if (script.frames !== undefined) {
    out.frames = script.frames.map(toFrame);
    delete out.json;
    delete out.raw;
    if (!out.headers['content-type']) out.headers['content-type'] = 'text/event-stream';
  } else if (script.body !== undefined) {
    delete out.frames;
    delete out.json;
    out.raw = typeof script.body === 'string' ? script.body : JSON.stringify(script.body);
    if (!script.headers || !Object.keys(script.headers).some((h) => h.toLowerCase() === 'content-type')) {
      out.headers['content-type'] = typeof script.body === 'string' ? 'text/plain' : 'application/json';
    }
  }
  return out;
}

// Writes a plan; `behaviour` carries timing and failure injection. `onOpen(res)` lets the server
// track responses that must be cut when the mock closes.
async function play(res, plan, behaviour = {}) {
  if (behaviour.hang) return; // never answer: the client must time out
  if (behaviour.headersDelayMs) await sleep(behaviour.headersDelayMs);
  if (behaviour.until) await behaviour.until;
  let closed = false;
  res.on('close', () => (closed = true));
  const headers = { ...(plan.headers || {}) };
  if (plan.frames) {
    res.writeHead(plan.status || 200, headers);
    for (let i = 0; i < plan.frames.length; i++) {
      if (closed) return;
      if (behaviour.dieAfterEvents === i) return killResponse(res);
      // When a cut is scripted, wait for each write to flush so the cut lands after those bytes.
      if (behaviour.dieAfterEvents !== undefined) await new Promise((r) => res.write(plan.frames[i], r));
      else res.write(plan.frames[i]);
      if (behaviour.delayMs && i < plan.frames.length - 1) await sleep(behaviour.delayMs);
    }
    if (!closed) res.end();
    return;
  }
  const body = Buffer.from(plan.raw !== undefined ? plan.raw : JSON.stringify(plan.json));
  if (!headers['content-type']) headers['content-type'] = 'application/json';
  headers['content-length'] = body.length;
  res.writeHead(plan.status || 200, headers);
  if (behaviour.dieAfterBytes !== undefined) {
    return res.write(body.subarray(0, behaviour.dieAfterBytes), () => killResponse(res));
  }
  res.end(body);
}

module.exports = { ScriptQueue, applyScript, play };
