/**
 * The dependency direction of ARCHITECTURE.md §2, checked in CI: nothing imports the pipeline (logging) or the
 * intake (subscriptions); connectors, plugins and ringcentral sit on config/common only.
 */
const feature = (name) => `^src/${name}/`;
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'nothing-imports-logging',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/logging/', '^src/app\\.module\\.ts$'] },
      to: { path: feature('logging') },
    },
    {
      name: 'nothing-imports-subscriptions',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/subscriptions/', '^src/app\\.module\\.ts$'] },
      to: { path: feature('subscriptions') },
    },
    {
      name: 'leaf-modules-use-only-config-common',
      severity: 'error',
      from: { path: '^src/(connectors|plugins|ringcentral)/' },
      to: { path: '^src/(admin|logging|subscriptions|jobs|health)/' },
    },
    {
      name: 'src-does-not-import-sim-or-tests',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(sim|test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '\\.spec\\.ts$' },
  },
};
