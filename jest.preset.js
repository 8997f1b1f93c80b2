// Shared Jest settings: TypeScript through SWC (the same settings as the build, which also rewrites
// the @alphintra/* path aliases),
// and one PostgreSQL + one Kafka per run (libs/testing/src/global-setup.ts).
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const swcrc = JSON.parse(readFileSync(join(__dirname, '.swcrc'), 'utf8'));

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false, jsc: { ...swcrc.jsc, baseUrl: __dirname } }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['**/*.spec.ts'],
  globalSetup: join(__dirname, 'libs/testing/src/global-setup.ts'),
  globalTeardown: join(__dirname, 'libs/testing/src/global-teardown.ts'),
  testTimeout: 120_000,
  maxWorkers: Number(process.env.JEST_MAX_WORKERS ?? 2),
};
