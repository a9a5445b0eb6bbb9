/* One jest configuration, four layers (projects); `npm test` runs them all in one jest run.
 * - unit:    node tests that need no engine (common/, server/, scripts/, engine/, dev/, generator/, test/)
 * - browser: React component tests under public/ (jsdom); no engine either
 * - engine:  node tests that talk to the real OpenSearch node
 * - e2e:     real Chromium against the host stand-in, test/browser/ (scripts/setup_browser.sh installs it)
 * A test file that needs the engine says so in its first lines with the docblock tag `@jest-layer engine`;
 * every other file under the node roots is in the unit layer. The engine is started by the engine and e2e
 * projects' global setup (jest runs a project's global setup only when one of its tests is selected), so
 * `npm run test:unit` never starts it; in the unit layer `engineUrl()` (test/setup/engine.ts) throws,
 * naming the tag, so an undeclared engine test fails at once instead of waiting for a connection. */
const fs = require('fs');
const path = require('path');
// The host's config-schema packages for plugins the stand-in runs from the source tree (dev/host/host_modules).
const HOST_PACKAGES = {
  '^@kbn/config-schema$': '<rootDir>/dev/host/host_modules/jest_kbn_config_schema.js',
  '^@osd/config-schema$': '<rootDir>/dev/host/host_modules/jest_osd_config_schema.js',
};

const transform = { '^.+\\.(t|j)sx?$': '<rootDir>/test/setup/esbuild_transform.js' };
const NODE_ROOTS = ['common', 'server', 'scripts', 'engine', 'dev', 'generator', 'cli', 'lib', 'test'];
const IGNORED = ['/node_modules/', '<rootDir>/build/', '<rootDir>/target/'];
const ENGINE_TAG = /^\s*(\/\/|\/?\*+)\s*@jest-layer\s+engine\b/m;

/** Node test files that declare `@jest-layer engine` in their first 1,000 characters. */
function engineTestFiles() {
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.test\.tsx?$/.test(entry.name) && ENGINE_TAG.test(fs.readFileSync(full, 'utf8').slice(0, 1000)))
        found.push(full);
    }
  };
  for (const root of NODE_ROOTS) if (fs.existsSync(path.join(__dirname, root))) walk(path.join(__dirname, root));
  return found;
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const engineFiles = engineTestFiles();
// A regex that matches no path when no file declares the tag.
const engineRegex = engineFiles.length ? `^(${engineFiles.map(escape).join('|')})$` : '^$ never';

const engineGlobal = {
  globalSetup: '<rootDir>/test/setup/global_setup.ts',
  globalTeardown: '<rootDir>/test/setup/global_teardown.ts',
};

module.exports = {
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/test/setup/summary_reporter.js'],
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      setupFiles: ['<rootDir>/test/setup/unit_layer.js'],
      testMatch: [`<rootDir>/{${NODE_ROOTS.join(',')}}/**/*.test.ts`],
      testPathIgnorePatterns: [...IGNORED, '<rootDir>/test/browser/', ...engineFiles.map((f) => `^${escape(f)}$`)],
      moduleNameMapper: HOST_PACKAGES,
    },
    {
      displayName: 'browser',
      testEnvironment: 'jsdom',
      transform,
      setupFiles: ['<rootDir>/test/setup/unit_layer.js'],
      testMatch: ['<rootDir>/public/**/*.test.{ts,tsx}'],
      // EUI requires uuid, which ships ES modules only: let esbuild turn it into CommonJS for jest.
      transformIgnorePatterns: ['/node_modules/(?!uuid/)'],
      moduleNameMapper: { '\\.(css|scss)$': '<rootDir>/test/setup/style_mock.js' },
    },
    {
      displayName: 'engine',
      testEnvironment: 'node',
      transform,
      ...engineGlobal,
      testRegex: engineRegex,
      testPathIgnorePatterns: [...IGNORED, '<rootDir>/test/browser/'],
      moduleNameMapper: HOST_PACKAGES,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform,
      ...engineGlobal,
      testMatch: ['<rootDir>/test/browser/**/*.test.ts'],
      moduleNameMapper: HOST_PACKAGES,
    },
  ],
};
