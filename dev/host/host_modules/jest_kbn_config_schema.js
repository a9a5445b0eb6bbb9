'use strict';
module.exports = require('./jest_bridge')('kbn');
