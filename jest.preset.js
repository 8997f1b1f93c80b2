// Shared Jest settings: TypeScript through SWC (the same settings as the build), tsconfig paths,
// and one PostgreSQL + one Kafka per run (libs/testing/src/global-setup.ts).
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const swcrc = JSON.parse(readFileSync(join(__dirname, '.swcrc'), 'utf8'));
const { paths } = require('./tsconfig.base.json').compilerOptions;

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false, jsc: { ...swcrc.jsc, paths: undefined } }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: Object.fromEntries(Object.entries(paths).map(([k, [v]]) => [`^${k}$`, join(__dirname, v)])),
  testMatch: ['**/*.spec.ts'],
  globalSetup: join(__dirname, 'libs/testing/src/global-setup.ts'),
  globalTeardown: join(__dirname, 'libs/testing/src/global-teardown.ts'),
  testTimeout: 120_000,
  maxWorkers: 2,
};
