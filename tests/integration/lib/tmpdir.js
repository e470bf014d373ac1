'use strict';
// One temporary directory per test, removed when the test ends (kept when KEEP_TEST_DIRS=1).
const fs = require('fs');
const os = require('os');
const path = require('path');

function makeTempDir(t, prefix = 'relay-it-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (t && typeof t.after === 'function' && process.env.KEEP_TEST_DIRS !== '1') {
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return dir;
}

module.exports = { makeTempDir };
