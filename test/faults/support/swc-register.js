/* eslint-disable */
// Runs the TypeScript sources in a child process without a build step (fault tests spawn
// `node -r test/faults/support/swc-register.js apps/ingest/src/main.ts`): compiles each .ts
// file with @swc/core as it is required (the same options as Jest's transform) and resolves
// the @vigil/* path aliases. Test-only; production runs the tsc build in dist/.
const Module = require('node:module');
const path = require('node:path');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '..', '..', '..');
const alias = /^@vigil\/(domain|contracts|persistence|platform)(\/.*)?$/;

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const m = alias.exec(request);
  if (m) request = path.join(root, 'libs', m[1], 'src', m[2] ?? '');
  return resolve.call(this, request, parent, ...rest);
};

const options = {
  sourceMaps: 'inline',
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
};

require.extensions['.ts'] = function (module, filename) {
  const { code } = swc.transformFileSync(filename, { ...options, filename });
  module._compile(code, filename);
};
