/* @kbn/config-schema as the stand-in's Kibana has it (see config_schema.js). */
'use strict';
module.exports = require('./config_schema').create('kbn');
