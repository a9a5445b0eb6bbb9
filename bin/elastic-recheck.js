#!/usr/bin/env node
/* `elastic-recheck` command: runs the compiled CLI when present, else the TypeScript source through tsx. */
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const compiled = path.join(root, 'build', 'cli', 'main.js');
if (fs.existsSync(compiled)) {
  require(compiled);
} else {
  require('tsx/cjs/api').register();
  require(path.join(root, 'cli', 'main.ts'));
}
