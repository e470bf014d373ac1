'use strict';
// The relay's /metrics (Prometheus text exposition format) as samples, so tests assert on values
// and labels rather than on how the lines happen to be laid out.

const NAME = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;
const LABEL = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const BLANKS = /[ \t]*/y;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const UNESCAPE = { '\\': '\\', '"': '"', n: '\n' };

function parseNumber(token) {
  if (/^[+-]?inf(inity)?$/i.test(token)) return token.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(token)) return NaN;
  // Number() alone would take '' and '0x1' as numbers.
  return NUMBER.test(token) ? Number(token) : undefined;
}

// One sample line into {name, labels, value}; throws a message without the line number.
function parseSample(line) {
  let at = 0;
  const take = (re) => {
    re.lastIndex = at;
    const m = re.exec(line);
    if (m) at = re.lastIndex;
    return m ? m[0] : '';
  };
  const expect = (c) => {
    if (line[at] !== c) throw new Error(`expected '${c}' at column ${at + 1}`);
    ++at;
  };
  take(BLANKS);
  const name = take(NAME);
  if (!name) throw new Error('no metric name');
  const labels = {};
  let gap = take(BLANKS);
  if (line[at] === '{') {
    ++at;
    for (take(BLANKS); line[at] !== '}'; take(BLANKS)) {
      const label = take(LABEL);
      if (!label) throw new Error(`no label name at column ${at + 1}`);
      if (Object.hasOwn(labels, label)) throw new Error(`label ${label} twice`);
      take(BLANKS);
      expect('=');
      take(BLANKS);
      expect('"');
      let value = '';
      for (; line[at] !== '"'; ++at) {
        if (at >= line.length) throw new Error(`unterminated value of label ${label}`);
        if (line[at] !== '\\') {
          value += line[at];
          continue;
        }
        const c = UNESCAPE[line[++at]];
        if (c === undefined) throw new Error(`bad escape in label ${label} at column ${at + 1}`);
        value += c;
      }
      ++at;
      labels[label] = value;
      take(BLANKS);
      if (line[at] === ',') ++at;
      else if (line[at] !== '}') throw new Error(`expected ',' or '}' at column ${at + 1}`);
    }
    ++at;
    gap = take(BLANKS);
  }
  if (!gap) throw new Error(`expected a blank before the value at column ${at + 1}`);
  // The value, then an optional timestamp in milliseconds (the relay sends none; dropped).
  const rest = line.slice(at).trim().split(/[ \t]+/);
  const value = parseNumber(rest[0]);
  if (value === undefined) throw new Error(`bad value '${rest[0]}'`);
  if (rest.length > 2 || (rest.length === 2 && !/^-?\d+$/.test(rest[1]))) throw new Error('junk after the value');
  return { name, labels, value };
}

// Every sample of `text` as {name, labels: {label: value}, value}, in order; # lines and blank
// lines are skipped. A malformed line throws, naming its number.
function parseMetrics(text) {
  const samples = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (/^[ \t]*(#|$)/.test(line)) continue;
    try {
      samples.push(parseSample(line));
    } catch (err) {
      throw new Error(`/metrics line ${i + 1}: ${err.message}: ${line}`);
    }
  }
  return samples;
}

// The samples named `name` whose labels include all of `labels` (values compared as strings).
function metricSamples(text, name, labels = {}) {
  const want = Object.entries(labels);
  return parseMetrics(text).filter((s) => s.name === name && want.every(([k, v]) => s.labels[k] === String(v)));
}

// The value of the one matching sample; undefined if none. Several matches throw: use metricSum.
function metricValue(text, name, labels = {}) {
  const found = metricSamples(text, name, labels);
  if (found.length > 1) {
    throw new Error(`${name}${JSON.stringify(labels)} matches ${found.length} samples; use metricSum or more labels`);
  }
  return found.length ? found[0].value : undefined;
}

// The sum of the matching samples' values; 0 if none.
function metricSum(text, name, labels = {}) {
  return metricSamples(text, name, labels).reduce((sum, s) => sum + s.value, 0);
}

module.exports = { parseMetrics, metricSamples, metricValue, metricSum };
