/* @osd/config-schema as the stand-in's OpenSearch Dashboards has it (see config_schema.js). */
'use strict';
module.exports = require('./config_schema').create('osd');
