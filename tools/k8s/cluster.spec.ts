import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { DeploymentForm } from './deployment-forms';
import { edgeProblems } from './network-edges';
import { appsIn, loadEnvOf, serviceUrlVariables, variablesRead } from './service-urls';
import type { AppSchema } from './wiring';

/**
 * The chart against a real API server (ADR 0034): tools/k8s/cluster.sh starts kube-apiserver,
 * kube-controller-manager, kube-scheduler (v1.32.4), etcd and kwok, then runs this file with
 * ALPHINTRA_KUBECONFIG and ALPHINTRA_HELM set; without them it is not run (tools/jest.config.js).
 *
 * kwok simulates the node: pods are scheduled and reported Running and Ready (and Succeeded when
 * a Job owns them) but no container runs. So this proves what the API server and the controllers
 * decide — admission with strict server-side field validation, hook order, Jobs completing,
 * rollouts, PVC binding, upgrade/rollback, the NetworkPolicies as stored — not that the images
 * start (make images checks that).
 */
const root = resolve(__dirname, '../..');
const kubeconfig = process.env.ALPHINTRA_KUBECONFIG!;
const helmBin = process.env.ALPHINTRA_HELM!;
const RELEASE = 'alphintra';
const TOPOLOGIES = ['separate', 'domains', 'schemas'] as const;
/** What tools/k8s/cluster.sh builds. */
const KUBE_VERSION = '1.32.4';
const ns = (t: string) => `alphintra-${t}`;
const values = (t: string) => join(root, 'tools/k8s/ci-values', `${t}-internal.yaml`);

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const run = promisify(execFile);
const env = { ...process.env, KUBECONFIG: kubeconfig };
const opts = { cwd: root, env, maxBuffer: 64 << 20 };
const helm = async (...args: string[]) => (await run(helmBin, args, opts)).stdout;
const kubectl = async (...args: string[]) => (await run('kubectl', args, opts)).stdout;
const kubectlIn = (input: string, ...args: string[]) => execFileSync('kubectl', args, { ...opts, input, encoding: 'utf8' });
const getJson = async (namespace: string, kinds: string): Promise<Obj[]> => JSON.parse(await kubectl('get', kinds, '-n', namespace, '-o', 'json')).items;
const timed = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
  const t0 = Date.now();
  try {
    return await f();
  } finally {
    process.stdout.write(`${what}: ${((Date.now() - t0) / 1000).toFixed(1)}s\n`);
  }
};

const apps = appsIn(root);
const schemas: AppSchema[] = apps.map((app) => {
  const loadEnv = loadEnvOf(root, app);
  return { app, loadEnv, urls: serviceUrlVariables(variablesRead(loadEnv), apps) };
});

/** What `helm install` did, per topology; an install that failed keeps its error for the tests to show. */
const installs: Record<string, { error?: string; seconds: number }> = {};
/** `kubectl create --dry-run=server --validate=strict` of the whole rendering, before the install. */
const dryRuns: Record<string, { names?: string[]; rendered?: number; error?: string }> = {};
const failure = (e: unknown) => String((e as { stderr?: string }).stderr || e);

/**
 * Polls (1 s) until every Deployment and StatefulSet is rolled out and every claim is bound; a
 * Deployment under a HorizontalPodAutoscaler only once the autoscaler has raised it to its minimum.
 */
async function rolledOut(namespace: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const objects = await getJson(namespace, 'deployments,statefulsets,persistentvolumeclaims,horizontalpodautoscalers');
    const minimum = (d: Obj) =>
      objects.find((h) => h.kind === 'HorizontalPodAutoscaler' && h.spec.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === d.metadata.name)?.spec.minReplicas ?? 0;
    const pending = objects.filter((o) =>
      o.kind === 'HorizontalPodAutoscaler'
        ? false
        : o.kind === 'Deployment'
        ? !(o.status.observedGeneration >= o.metadata.generation && o.spec.replicas >= minimum(o) && o.status.updatedReplicas === o.spec.replicas && o.status.availableReplicas === o.spec.replicas)
        : o.kind === 'StatefulSet'
          ? !(o.status.observedGeneration >= o.metadata.generation && o.status.readyReplicas === o.spec.replicas && o.status.updatedReplicas === o.spec.replicas)
          : o.status.phase !== 'Bound',
    );
    if (!pending.length) return;
    if (Date.now() > deadline) throw new Error(`not rolled out after ${timeoutMs / 1000} s: ${pending.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

beforeAll(async () => {
  // PersistentVolumes for the StatefulSets' and the backups' claims (no provisioner runs here):
  // hostPath volumes that only exist as API objects, bound by the PV controller
  const pvs = Array.from({ length: 60 }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: `kwok-pv-${i}`, labels: { 'alphintra.io/test': 'cluster' } },
    spec: { capacity: { storage: '100Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', hostPath: { path: `/var/kwok/pv-${i}` } },
  }));
  kubectlIn(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: pvs }), 'apply', '-f', '-');
  for (const t of TOPOLOGIES) kubectlIn(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns(t) } }), 'apply', '-f', '-');
  const dir = mkdtempSync(join(tmpdir(), 'alphintra-render-'));
  await Promise.all(
    TOPOLOGIES.map(async (t) => {
      try {
        const file = join(dir, `${t}.yaml`);
        const rendered = await helm('template', RELEASE, 'helm/alphintra', '-n', ns(t), '-f', values(t), '--kube-version', KUBE_VERSION);
        writeFileSync(file, rendered);
        const names = (await kubectl('create', '--dry-run=server', '--validate=strict', '-n', ns(t), '-f', file, '-o', 'name')).trim().split('\n');
        dryRuns[t] = { names, rendered: rendered.split(/^---$/m).filter((d) => /^kind:/m.test(d)).length };
      } catch (e) {
        dryRuns[t] = { error: failure(e) };
      }
      const t0 = Date.now();
      try {
        // as the README installs: without --wait (the apps only become ready after the post-install
        // migration hooks); helm still waits for each hook Job to complete
        await helm('install', RELEASE, 'helm/alphintra', '-n', ns(t), '-f', values(t), '--timeout', '5m');
        await rolledOut(ns(t), 180_000);
      } catch (e) {
        installs[t] = { error: failure(e), seconds: (Date.now() - t0) / 1000 };
        return;
      }
      installs[t] = { seconds: (Date.now() - t0) / 1000 };
      process.stdout.write(`helm install (${t}): ${installs[t].seconds.toFixed(1)}s\n`);
    }),
  );
  rmSync(dir, { recursive: true, force: true });
}, 600_000);

describe.each(TOPOLOGIES)('the chart, %s topology', (t) => {
  it('passes the API server strict server-side validation: every object, hooks included (kubectl create --dry-run=server --validate=strict)', () => {
    expect(dryRuns[t]?.error).toBeUndefined();
    expect(dryRuns[t].names!.length).toBe(dryRuns[t].rendered);
    expect(dryRuns[t].names!.length).toBeGreaterThan(50);
  });

  it('installs: every object admitted, hook Jobs complete, Deployments and StatefulSets roll out, claims bind', async () => {
    expect(installs[t]?.error).toBeUndefined();
    expect(JSON.parse(await helm('status', RELEASE, '-n', ns(t), '-o', 'json')).info.status).toBe('deployed');
    // every object of the release manifest exists (the hooks: the Jobs below, the Secrets they use)
    const manifest = await helm('get', 'manifest', RELEASE, '-n', ns(t));
    const named = kubectlIn(manifest, 'get', '-n', ns(t), '-f', '-', '-o', 'name').trim().split('\n');
    expect(named.length).toBe(manifest.split(/^---$/m).filter((d) => /^kind:/m.test(d)).length);

    const jobs = await getJson(ns(t), 'jobs');
    const hookJobs = jobs.filter((j) => j.metadata.annotations?.['helm.sh/hook']);
    const components = hookJobs.map((j) => j.spec.template.metadata.labels['app.kubernetes.io/component']);
    expect(new Set(components)).toEqual(new Set(['provision', 'topics', 'migrate']));
    expect(components.filter((c) => c === 'migrate')).toHaveLength(8);
    for (const j of hookJobs) {
      expect({ job: j.metadata.name, complete: j.status.conditions?.some((c: Obj) => c.type === 'Complete' && c.status === 'True') }).toEqual({ job: j.metadata.name, complete: true });
    }
    for (const d of await getJson(ns(t), 'deployments')) {
      const s = d.status;
      expect({ d: d.metadata.name, generation: s.observedGeneration >= d.metadata.generation, updated: s.updatedReplicas, available: s.availableReplicas }).toEqual({
        d: d.metadata.name,
        generation: true,
        updated: d.spec.replicas,
        available: d.spec.replicas,
      });
    }
    for (const s of await getJson(ns(t), 'statefulsets')) expect({ s: s.metadata.name, ready: s.status.readyReplicas }).toEqual({ s: s.metadata.name, ready: s.spec.replicas });
    for (const c of await getJson(ns(t), 'persistentvolumeclaims')) expect({ c: c.metadata.name, phase: c.status.phase }).toEqual({ c: c.metadata.name, phase: 'Bound' });
    for (const p of await getJson(ns(t), 'pods')) {
      expect({ pod: p.metadata.name, node: p.spec.nodeName, phase: ['Running', 'Succeeded'].includes(p.status.phase) }).toEqual({ pod: p.metadata.name, node: 'kwok-node-0', phase: true });
    }
  });

  it('has NetworkPolicies (as stored by the API server) that allow exactly the edges the code uses', async () => {
    const objects = await getJson(ns(t), 'deployments,statefulsets,jobs,cronjobs,services,configmaps,networkpolicies');
    // the `helm test` Job is a hook that has not run yet: it comes from the release's hooks
    const hooksYaml = await helm('get', 'hooks', RELEASE, '-n', ns(t));
    const test = hooksYaml.split(/^---$/m).find((d) => /helm\.sh\/hook: test/.test(d));
    expect(test).toBeDefined();
    const testObj = JSON.parse(kubectlIn(test!, 'create', '--dry-run=client', '-o', 'json', '-f', '-'));
    const form: DeploymentForm = { name: `cluster ${t}`, kind: 'kubernetes', objects: [...objects, { ...testObj, metadata: { ...testObj.metadata, namespace: ns(t) } }], namespace: ns(t) };
    const { problems, edges, allowed } = edgeProblems(form, apps, schemas);
    expect(problems).toEqual([]);
    // the derivation is not empty: every app reaches Kafka, every service PostgreSQL, and user/nocode strategy
    expect(edges.length).toBe(allowed.length);
    expect(allowed).toEqual(expect.arrayContaining(['gateway -> kafka:9092', 'trading -> postgresql:5432', 'user -> strategy:3003', 'nocode -> strategy:3003', 'test -> gateway:8080']));
    expect(allowed).not.toContain('gateway -> postgresql:5432');
    expect(allowed.filter((e) => e.endsWith('kafka:9093'))).toEqual([]);
  });

  it('helm test runs the chart test (a Job asking the gateway for /health) and it passes', async () => {
    const out = await timed(`helm test (${t})`, () => helm('test', RELEASE, '-n', ns(t), '--timeout', '3m'));
    expect(out).toMatch(/TEST SUITE:\s+alphintra-test/);
    expect(out).toMatch(/Phase:\s+Succeeded/);
  });
});

describe('helm upgrade and helm rollback (separate topology)', () => {
  const n = ns('separate');
  const kafkaReplicas = async () => (await getJson(n, 'statefulsets')).find((s) => s.metadata.name === `${RELEASE}-kafka`)!.spec.replicas;
  const migrateUid = async () => (await getJson(n, 'jobs')).find((j) => j.metadata.name === `${RELEASE}-trading-migrate`)?.metadata.uid;

  it('upgrades to Kafka identities on three nodes (the pre-upgrade hooks run again), then rolls back to revision 1', async () => {
    expect(installs.separate?.error).toBeUndefined();
    const before = await migrateUid();
    expect(await kafkaReplicas()).toBe(1);
    await timed('helm upgrade', () =>
      helm('upgrade', RELEASE, 'helm/alphintra', '-n', n, '-f', values('separate'), '-f', join(root, 'tools/k8s/ci-values/kafka-auth-internal.yaml'), '--wait', '--wait-for-jobs', '--timeout', '5m'),
    );
    expect(await kafkaReplicas()).toBe(3);
    const jobs = await getJson(n, 'jobs');
    const identities = jobs.find((j) => j.metadata.name === `${RELEASE}-kafka-identities`);
    expect(identities?.status.conditions?.some((c: Obj) => c.type === 'Complete' && c.status === 'True')).toBe(true);
    expect(await migrateUid()).not.toBe(before); // re-created by the pre-upgrade hook, and completed (--wait-for-jobs)

    await timed('helm rollback', () => helm('rollback', RELEASE, '1', '-n', n, '--wait', '--timeout', '5m'));
    await rolledOut(n, 180_000);
    expect(await kafkaReplicas()).toBe(1);
    const history = JSON.parse(await helm('history', RELEASE, '-n', n, '-o', 'json')) as { revision: number; status: string; description: string }[];
    expect(history.map((h) => [h.revision, h.status])).toEqual([
      [1, 'superseded'],
      [2, 'superseded'],
      [3, 'deployed'],
    ]);
    expect(history[2].description).toMatch(/Rollback to 1/);
    for (const d of await getJson(n, 'deployments')) expect({ d: d.metadata.name, available: d.status.availableReplicas }).toEqual({ d: d.metadata.name, available: d.spec.replicas });
  });
});
