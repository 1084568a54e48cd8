/**
 * The dependency direction of ARCHITECTURE.md §2, checked in CI: nothing imports the pipeline (logging) or the
 * intake (subscriptions); connectors and ringcentral sit on config/common only, plugins on config/common/database/jobs.
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
      from: { path: '^src/(connectors|ringcentral)/' },
      to: { path: '^src/(admin|logging|subscriptions|jobs|health)/' },
    },
    {
      // Plugins also enqueue and handle their own jobs (async dispatch, callbacks, task purge): the jobs facade is
      // infrastructure like database. Everything about accounts and CRMs reaches plugins from logging, never the reverse.
      name: 'plugins-use-only-config-common-database-jobs',
      severity: 'error',
      from: { path: '^src/plugins/' },
      to: { path: '^src/(admin|logging|subscriptions|health|accounts|connectors|ringcentral|housekeeping)/' },
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
