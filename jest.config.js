// Three tiers, one command: `npm test` runs every project; `npm run test:<tier>` selects one.
//
// NestJS 12 ships as ES modules. Node 20 loads them from our CommonJS build (require(esm)), but Jest on Node 20
// cannot, so tests run in Jest's native ESM mode (`--experimental-vm-modules`, set in package.json) and ts-jest
// emits ESM for our TypeScript (tsconfig.jest.json). The e2e tier also runs the real CommonJS build in a process.
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json', useESM: true }] };
const common = {
  rootDir: __dirname,
  moduleFileExtensions: ['ts', 'js', 'json'],
  extensionsToTreatAsEsm: ['.ts'],
  testEnvironment: 'node',
  transform,
};

/** @type {import('jest').Config} */
module.exports = {
  // Per-project testTimeout is not honoured by Jest; integration and e2e tests need real servers, so one generous limit.
  testTimeout: 120000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/sim/**/*.spec.ts', '<rootDir>/test/unit/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
