// Two tiers (STYLE.md): fast pure `*.spec.ts` beside the code, and
// `*.integration-spec.ts` against the real Kafka broker and PostgreSQL.
const swc = [
  '@swc/jest',
  {
    sourceMaps: 'inline',
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];

const moduleNameMapper = {
  '^@vigil/(domain|contracts|persistence|platform)$': '<rootDir>/libs/$1/src',
  '^@vigil/(domain|contracts|persistence|platform)/(.*)$': '<rootDir>/libs/$1/src/$2',
};

const common = {
  rootDir: __dirname,
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  testEnvironment: 'node',
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.vigil/'],
};

/** @type {import('jest').Config} */
module.exports = {
  // Jest reads testTimeout from the global config only: integration hooks create databases and
  // topics and boot apps, which takes longer than the 5 s default on a loaded 2-core machine.
  testTimeout: 120000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,scripts,bench,test}/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.integration-spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/faults/disruptive/'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
      slowTestThreshold: 30,
    },
    {
      // Restarts PostgreSQL or the broker: run alone, after the rest (scripts/test.sh).
      ...common,
      displayName: 'disruptive',
      testMatch: ['<rootDir>/test/faults/disruptive/**/*.integration-spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
};
