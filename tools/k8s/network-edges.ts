import { kafkaPermissions } from '@alphintra/platform-messaging';
import { appEnvironments, type DeploymentForm } from './deployment-forms';
import { connectionAllowed, type Pod } from './network-policy';
import { variablesRead } from './service-urls';
import { wiringOf, type AppSchema } from './wiring';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The network edges of a release, derived from the code, against what its NetworkPolicies allow
 * (ADR 0034). Derived, for each app:
 *   - HTTP: every URL variable its env schema reads that leads to another app (wiringOf);
 *   - Kafka: the brokers of its `KAFKA_BROKERS`, when it produces or consumes any topic
 *     (kafkaPermissions: the contracts' producing domains and the subscriptions);
 *   - PostgreSQL: the server of its `<APP>_DATABASE_HOST`/`_PORT`, when its schema reads them;
 * and for the chart's `helm test` Job: its `GATEWAY_URL`.
 * Allowed: every (source, destination, container port) the policies admit where the source is an
 * app or the test Job, or the destination is an app; connections among the infrastructure's own
 * pods (Kafka's quorum, Jobs to PostgreSQL) are out of scope here.
 */
export interface NetEdge {
  from: string;
  to: string;
  port: number;
  /** What in the code makes the call: a variable, or `kafka topics`. */
  why: string;
}

/** A pod template of the release, named by its `app.kubernetes.io/component` (and `alphintra.io/service` for per-service Jobs). */
export interface ReleasePod extends Pod {
  kind: string;
  workload: string;
  env: Record<string, string>;
}

const TEMPLATE_KINDS = ['Deployment', 'StatefulSet', 'Job', 'CronJob'];

function templateOf(o: Obj): Obj {
  return o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template : o.spec.template;
}

function envOf(form: DeploymentForm, container: Obj | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  if (!container) return env;
  const cm = (name: string) => form.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name)?.data ?? {};
  for (const f of container.envFrom ?? []) if (f.configMapRef) Object.assign(env, cm(f.configMapRef.name));
  for (const e of container.env ?? []) if ('value' in e) env[e.name] = String(e.value);
  return env;
}

/** Every pod template of the form (Jobs owned by a CronJob are skipped: the CronJob stands for them). */
export function releasePods(form: DeploymentForm): ReleasePod[] {
  return form.objects
    .filter((o) => TEMPLATE_KINDS.includes(o.kind) && !(o.kind === 'Job' && (o.metadata.ownerReferences ?? []).some((r: Obj) => r.kind === 'CronJob')))
    .map((o) => {
      const t = templateOf(o);
      const labels: Record<string, string> = t.metadata?.labels ?? {};
      const component = labels['app.kubernetes.io/component'] ?? o.metadata.name;
      const service = labels['alphintra.io/service'];
      const containers: Obj[] = t.spec.containers ?? [];
      return {
        app: service && component !== service ? `${component}/${service}` : component,
        namespace: o.metadata.namespace ?? form.namespace,
        labels,
        ports: containers.flatMap((c) => c.ports ?? []),
        kind: o.kind,
        workload: o.metadata.name,
        env: envOf(form, containers[0]),
      };
    });
}

/** The pods behind `host:port` (a Service name, or a StatefulSet pod's `<pod>.<headless service>` name) and their container port. */
export function podsBehind(form: DeploymentForm, pods: ReleasePod[], host: string, port: number): { pods: ReleasePod[]; containerPort?: number; problem?: string } {
  const [first, second] = host.split('.');
  let svc = form.objects.find((o) => o.kind === 'Service' && o.metadata.name === first);
  let only: (p: ReleasePod) => boolean = () => true;
  if (!svc && second) {
    svc = form.objects.find((o) => o.kind === 'Service' && o.metadata.name === second);
    only = (p) => p.kind === 'StatefulSet' && first.startsWith(`${p.workload}-`);
  }
  if (!svc) return { pods: [], problem: `${host}: no Service` };
  const selector: Record<string, string> = svc.spec.selector ?? {};
  const behind = pods.filter((p) => p.kind !== 'Job' && p.kind !== 'CronJob' && Object.entries(selector).every(([k, v]) => p.labels[k] === v) && only(p));
  if (!behind.length) return { pods: [], problem: `${host}: Service ${svc.metadata.name} selects no workload` };
  const sp = (svc.spec.ports ?? []).find((p: Obj) => p.port === port);
  if (!sp) return { pods: [], problem: `${host}:${port}: Service ${svc.metadata.name} has no port ${port}` };
  const target = sp.targetPort ?? sp.port;
  const containerPort = typeof target === 'number' ? target : behind[0].ports.find((p) => p.name === target)?.containerPort;
  return { pods: behind, containerPort };
}

/** The edges the code makes, with the problems met deriving them (a variable that leads nowhere). */
export function derivedEdges(form: DeploymentForm, schemas: AppSchema[]): { edges: NetEdge[]; problems: string[] } {
  const pods = releasePods(form);
  const { edges: http, problems } = wiringOf(form, schemas);
  const edges: NetEdge[] = http.map((e) => ({ from: e.from, to: e.to, port: e.port, why: e.variable }));
  const permissions = new Map(kafkaPermissions().map((p) => [p.client as string, p]));
  const to = (from: string, hostPort: string, why: string) => {
    const m = /^([^:]+):(\d+)$/.exec(hostPort.trim());
    if (!m) return void problems.push(`${from}: ${why}=${hostPort} is not host:port`);
    const d = podsBehind(form, pods, m[1], Number(m[2]));
    if (d.problem) return void problems.push(`${from}: ${why}: ${d.problem}`);
    for (const p of d.pods) edges.push({ from, to: p.app, port: d.containerPort!, why });
  };
  for (const { app, loadEnv } of schemas) {
    const env = appEnvironments(form, app).app;
    if (!env) continue;
    const read = new Set(variablesRead(loadEnv));
    const k = permissions.get(app);
    if (read.has('KAFKA_BROKERS') && k && k.produce.length + k.consume.length > 0) {
      for (const b of (env.KAFKA_BROKERS ?? '').split(',').filter(Boolean)) to(app, b, 'KAFKA_BROKERS (kafka topics)');
    }
    const S = app.toUpperCase();
    if (read.has(`${S}_DATABASE_HOST`) && env[`${S}_DATABASE_HOST`]) {
      to(app, `${env[`${S}_DATABASE_HOST`]}:${env[`${S}_DATABASE_PORT`] ?? 5432}`, `${S}_DATABASE_HOST`);
    }
  }
  for (const p of pods.filter((x) => x.app === 'test')) {
    if (!p.env.GATEWAY_URL) continue;
    const u = new URL(p.env.GATEWAY_URL);
    to('test', `${u.hostname}:${u.port || 80}`, 'GATEWAY_URL (helm test)');
  }
  const seen = new Set<string>();
  return { edges: edges.filter((e) => !seen.has(edgeKey(e)) && (seen.add(edgeKey(e)), true)), problems };
}

export const edgeKey = (e: { from: string; to: string; port: number }) => `${e.from} -> ${e.to}:${e.port}`;

/** What the NetworkPolicies allow, in the scope of derivedEdges (source an app or the test Job, or destination an app). */
export function allowedEdges(form: DeploymentForm, apps: string[]): string[] {
  const policies = form.objects.filter((o) => o.kind === 'NetworkPolicy');
  const pods = releasePods(form);
  const out = new Set<string>();
  for (const from of pods) {
    for (const to of pods) {
      if (!(apps.includes(from.app) || from.app === 'test' || apps.includes(to.app))) continue;
      for (const port of to.ports) if (connectionAllowed(policies, from, to, port)) out.add(edgeKey({ from: from.app, to: to.app, port: port.containerPort }));
    }
  }
  return [...out].sort();
}

/** Missing (used but blocked) and extra (allowed but unused) edges. */
export function edgeProblems(form: DeploymentForm, apps: string[], schemas: AppSchema[]): { problems: string[]; edges: NetEdge[]; allowed: string[] } {
  const { edges, problems } = derivedEdges(form, schemas);
  const allowed = allowedEdges(form, apps);
  const used = new Set(edges.map(edgeKey));
  for (const e of edges) if (!allowed.includes(edgeKey(e))) problems.push(`missing: ${edgeKey(e)} (${e.why}) is blocked by the NetworkPolicies`);
  for (const a of allowed) if (!used.has(a)) problems.push(`extra: ${a} is allowed by the NetworkPolicies, but nothing in the code makes that call`);
  return { problems, edges, allowed };
}
