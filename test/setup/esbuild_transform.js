/*
 * jest transform: TypeScript/TSX (and ES-module-only packages) to CommonJS with esbuild, which the
 * build already uses. Type checking is `tsc --noEmit`, run by `npm test` before jest.
 */
const crypto = require('crypto');
const esbuild = require('esbuild');

// The cache key covers this file too, so a change of options never serves stale output.
const SELF = require('fs').readFileSync(__filename);

const LOADERS = { '.ts': 'ts', '.tsx': 'tsx', '.jsx': 'jsx', '.js': 'js', '.mjs': 'js', '.cjs': 'js' };

function loaderFor(filename) {
  const match = /\.[cm]?[jt]sx?$/.exec(filename);
  return (match && LOADERS[match[0]]) || 'js';
}

module.exports = {
  process(source, filename) {
    const result = esbuild.transformSync(source, {
      loader: loaderFor(filename),
      format: 'cjs',
      target: 'node20',
      jsx: 'automatic',
      sourcemap: 'inline',
      sourcefile: filename,
      keepNames: true,
      // jest's module registry serves require(), not import(): turn import() into a require().
      supported: { 'dynamic-import': false },
    });
    return { code: result.code };
  },
  getCacheKey(source, filename) {
    return crypto
      .createHash('sha1')
      .update(esbuild.version)
      .update('\0')
      .update(SELF)
      .update('\0')
      .update(filename)
      .update('\0')
      .update(source)
      .digest('hex');
  },
};
