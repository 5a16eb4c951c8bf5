const nxPreset = require('@nx/jest/preset').default;

// NestJS 12 ships as pure ESM. Node 20.19+ loads it from CommonJS through require(esm),
// but Jest's module loader does not, so those packages are compiled to CommonJS for tests.
const esmOnlyPackages = [
  '@nestjs',
  'file-type',
  'strtok3',
  'token-types',
  '@tokenizer',
  'uint8array-extras',
  'jose',
];

module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  // Many specs start an api, a worker or a stack process; on a busy 2-core machine that alone
  // can take longer than Jest's default 5 s.
  testTimeout: 30_000,
  transform: {
    '^.+\\.(ts|js|mjs)$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  transformIgnorePatterns: [`node_modules/(?!(${esmOnlyPackages.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  coverageReporters: ['text-summary'],
};
