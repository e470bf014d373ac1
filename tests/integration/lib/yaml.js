'use strict';
// Minimal YAML emitter for relay configs: block mappings and sequences, JSON-quoted strings.

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const key = (k) => (PLAIN_KEY.test(k) ? k : JSON.stringify(k));
const isMap = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function scalar(v) {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

function emit(value, indent) {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    if (!value.length) return ' []';
    return value.map((item) => {
      if (isMap(item) && Object.keys(item).length) {
        const body = emit(item, indent + 2).replace(/^\n\s*/, '');
        return `\n${pad}- ${body}`;
      }
      return `\n${pad}-${emit(item, indent + 2)}`;
    }).join('');
  }
  if (isMap(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (!entries.length) return ' {}';
    return entries.map(([k, v]) => `\n${pad}${key(k)}:${emit(v, indent + 2)}`).join('');
  }
  return ` ${scalar(value)}`;
}

function toYaml(obj) {
  return emit(obj, 0).replace(/^\n/, '') + '\n';
}

module.exports = { toYaml };
