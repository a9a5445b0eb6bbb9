/* One jest run for everything a contributor must keep green.
 * - node: common/, server/, scripts/, engine/, dev/ and integration tests under test/ (real OpenSearch)
 * - browser: React component tests under public/ (jsdom)
 * - e2e: real Chromium against the host stand-in, test/browser/ (scripts/setup_browser.sh installs it)
 * The engine is started once per run by test/setup/global_setup.ts, or taken from ENGINE_URL. */
const transform = { '^.+\\.(t|j)sx?$': '<rootDir>/test/setup/esbuild_transform.js' };
// The host's config-schema packages for plugins the stand-in runs from the source tree (dev/host/host_modules).
const HOST_PACKAGES = {
  '^@kbn/config-schema$': '<rootDir>/dev/host/host_modules/jest_kbn_config_schema.js',
  '^@osd/config-schema$': '<rootDir>/dev/host/host_modules/jest_osd_config_schema.js',
};

module.exports = {
  globalSetup: '<rootDir>/test/setup/global_setup.ts',
  globalTeardown: '<rootDir>/test/setup/global_teardown.ts',
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/test/setup/summary_reporter.js'],
  projects: [
    {
      displayName: 'node',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/{common,server,scripts,engine,dev,generator,test}/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/browser/', '<rootDir>/build/', '<rootDir>/target/'],
      moduleNameMapper: HOST_PACKAGES,
    },
    {
      displayName: 'browser',
      testEnvironment: 'jsdom',
      transform,
      testMatch: ['<rootDir>/public/**/*.test.{ts,tsx}'],
      // EUI requires uuid, which ships ES modules only: let esbuild turn it into CommonJS for jest.
      transformIgnorePatterns: ['/node_modules/(?!uuid/)'],
      moduleNameMapper: { '\\.(css|scss)$': '<rootDir>/test/setup/style_mock.js' },
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/browser/**/*.test.ts'],
      moduleNameMapper: HOST_PACKAGES,
    },
  ],
};
