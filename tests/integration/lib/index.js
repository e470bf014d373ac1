'use strict';
// One import for test files: require('./lib').
module.exports = {
  ...require('./ports'),
  ...require('./tmpdir'),
  ...require('./certs'),
  ...require('./yaml'),
  ...require('./relay'),
  ...require('./raw'),
  ...require('./http'),
  ...require('./shapes'),
  ...require('./metrics'),
};
