import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pgUrl, repoRoot, startInfra, type InfraMode } from '@alphintra/devinfra';
import { runBenchmarks } from './benchmarks';
import { scanResults, summary } from './log-scan';

/**
 * `make test`: type-check, lint and every project's tests, against one PostgreSQL and one
 * Kafka for the whole run; ends with the totals on one line.
 */
async function main(): Promise<number> {
  const root = repoRoot();
  const results = join(root, '.local', 'test-results');
  rmSync(results, { recursive: true, force: true });
  mkdirSync(join(results, 'logs'), { recursive: true });
  const step = (title: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env) => {
    process.stdout.write(`\n\x1b[1m==> ${title}\x1b[0m\n`);
    return spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env }).status ?? 1;
  };
  /** A step whose whole output also goes to a file, for the log scan. */
  const teeStep = (title: string, cmd: string, args: string[], env: NodeJS.ProcessEnv, file: string) =>
    new Promise<number>((resolve) => {
      process.stdout.write(`\n\x1b[1m==> ${title}\x1b[0m\n`);
      const fd = openSync(file, 'a');
      const color = process.stdout.isTTY ? { FORCE_COLOR: '1' } : {};
      const child = spawn(cmd, args, { cwd: root, stdio: ['inherit', 'pipe', 'pipe'], env: { ...color, ...env } });
      child.stdout.on('data', (d: Buffer) => (writeSync(fd, d), process.stdout.write(d)));
      child.stderr.on('data', (d: Buffer) => (writeSync(fd, d), process.stderr.write(d)));
      child.on('close', (code) => (closeSync(fd), resolve(code ?? 1)));
    });
  const nx = join(root, 'node_modules', '.bin', 'nx');
  if (step('type-check', join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json', '--noEmit']) !== 0) return 1;
  if (step('lint', nx, ['run-many', '-t', 'lint', '--outputStyle=stream']) !== 0) return 1;
  if (step('deployment checks (helm, kustomize, schemas, policies)', 'bash', [join(root, 'tools', 'k8s', 'check.sh')]) !== 0) return 1;
  if (step('image bundles (the Dockerfile build without Docker)', 'bash', [join(root, 'tools', 'docker', 'check-bundle.sh')]) !== 0) return 1;

  process.stdout.write('\n\x1b[1m==> starting PostgreSQL and Kafka for the run\x1b[0m\n');
  const mode = process.env.ALPHINTRA_TEST_INFRA as InfraMode | undefined;
  const port = (what: string, fallback: number) => Number(process.env[`ALPHINTRA_TEST_${what}_PORT`] ?? fallback);
  const infra = await startInfra({ name: 'test', pgPort: port('PG', 55_432), kafkaPort: port('KAFKA', 59_092), durable: false }, mode === 'external' ? undefined : mode);
  let status: number;
  let benchStatus = 0;
  try {
    status = await teeStep(
      'tests',
      nx,
      ['run-many', '-t', 'test', '--outputStyle=stream', '--parallel=2'],
      {
        ...process.env,
        ALPHINTRA_TEST_INFRA: 'external',
        ALPHINTRA_TEST_RESULTS: results,
        ALPHINTRA_PG_URL: pgUrl(infra.postgres),
        ALPHINTRA_KAFKA_BROKERS: infra.kafka.brokers.join(','),
        JEST_MAX_WORKERS: '1',
      },
      join(results, 'logs', 'run.log'),
    );
    // figures printed, never asserted (ALPHINTRA_TEST_BENCH=0 skips them)
    if (process.env.ALPHINTRA_TEST_BENCH === '0') process.stdout.write('\n\x1b[1m==> benchmarks: skipped (ALPHINTRA_TEST_BENCH=0)\x1b[0m\n');
    else {
      const env = { ...process.env, ALPHINTRA_TEST_INFRA: 'external', ALPHINTRA_PG_URL: pgUrl(infra.postgres), ALPHINTRA_KAFKA_BROKERS: infra.kafka.brokers.join(',') };
      benchStatus = await runBenchmarks(root, env, join(results, 'logs', 'benchmarks.log'));
    }
  } finally {
    await infra.stop();
  }
  // one service's whole suite again, against PostgreSQL and Kafka containers that Testcontainers
  // starts (podman here; ADR 0029), with its own results file so its tests count in the totals
  let containerStatus = 0;
  if (process.env.ALPHINTRA_TEST_CONTAINERS === '0') {
    process.stdout.write('\n\x1b[1m==> broker against Testcontainers: skipped (ALPHINTRA_TEST_CONTAINERS=0)\x1b[0m\n');
  } else {
    containerStatus = await teeStep(
      'broker against Testcontainers (PostgreSQL and Kafka containers through podman)',
      'bash',
      [join(root, 'tools', 'containers', 'tc-suite.sh'), 'broker', join(results, 'broker-testcontainers.json')],
      { ...process.env, ALPHINTRA_TEST_RESULTS: results, JEST_MAX_WORKERS: '1' },
      join(results, 'logs', 'testcontainers.log'),
    );
  }
  // the chart installed into a real API server with simulated nodes, for each topology (ADR 0034)
  let clusterStatus = 0;
  if (process.env.ALPHINTRA_TEST_CLUSTER === '0') {
    process.stdout.write('\n\x1b[1m==> the chart in a local Kubernetes control plane: skipped (ALPHINTRA_TEST_CLUSTER=0)\x1b[0m\n');
  } else {
    clusterStatus = await teeStep(
      'the chart in a local Kubernetes control plane (kube-apiserver 1.32 + kwok: helm install of each topology, upgrade, rollback, test)',
      'bash',
      [join(root, 'tools', 'k8s', 'cluster.sh'), 'test', join(results, 'cluster.json')],
      { ...process.env, ALPHINTRA_TEST_INFRA: 'external', JEST_MAX_WORKERS: '1' },
      join(results, 'logs', 'cluster.log'),
    );
  }
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const f of readdirSync(results).filter((n) => n.endsWith('.json'))) {
    const r = JSON.parse(readFileSync(join(results, f), 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests;
  }
  // every captured log line of the run against every secret the tests registered (ADR 0004)
  process.stdout.write('\n\x1b[1m==> log scan (no secret, token or password in any captured log line)\x1b[0m\n');
  const scan = scanResults(results);
  for (const l of scan.leaks) process.stdout.write(`${l.file}:${l.line}: ${l.kind}: ${l.excerpt}\n`);
  process.stdout.write(`${summary(scan)}\n`);
  process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  return status === 0 && benchStatus === 0 && containerStatus === 0 && clusterStatus === 0 && failed === 0 && scan.leaks.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
