import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Pod } from './network-policy';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One way of deploying Alphintra: a rendering of the chart (Kubernetes objects) or the compose file (its services). */
export interface DeploymentForm {
  name: string;
  kind: 'kubernetes' | 'compose';
  /** Kubernetes objects, or compose services (each with its `name`). */
  objects: Obj[];
  /** Namespace of objects that name none. */
  namespace: string;
}

/** The environment a container starts with; values from Secrets are a placeholder that fits every secret's format. */
export type ContainerEnv = Record<string, string>;
/** Valid for every secret the apps read: a password, a user name, the base64 of 32 bytes (the KEKs). */
export const SECRET_PLACEHOLDER = `${'A'.repeat(43)}=`;

/**
 * The tools tools/k8s/check.sh installs into the cache (tools/k8s/lib.sh): helm, and the Python with
 * PyYAML that reads manifests. Nothing is built here; without them the error says how to get them.
 */
export function deploymentTools(root: string) {
  const [helm, python, kubeVersion, release, helmVersion] = execFileSync(
    'bash',
    ['-c', 'source tools/k8s/lib.sh && printf "%s\\n" "$CACHE/helm-$HELM_VERSION/helm" "$CACHE/k8s-tools/venv-kv$KUBERNETES_VALIDATE_VERSION/bin/python" "$KUBE_VERSION" "$RELEASE" "$HELM_VERSION"'],
    { cwd: root, encoding: 'utf8' },
  ).trim().split('\n');
  const missing = [
    !existsSync(helm) && `helm ${helmVersion} (${helm})`,
    !existsSync(python) && `the Python with PyYAML (${python})`,
  ].filter(Boolean);
  if (missing.length) {
    throw new Error(`${missing.join(' and ')} not found: run \`bash tools/k8s/check.sh\` once (make test runs it before the tests); it builds them into the cache (ALPHINTRA_CACHE, default ~/.cache/alphintra)`);
  }
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
  } catch {
    throw new Error('kubectl is required (kubectl kustomize renders k8s/), as for tools/k8s/check.sh');
  }
  return { helm, python, kubeVersion, release };
}

const yamlToJson = (python: string, yaml: string): Obj[] =>
  JSON.parse(
    execFileSync(python, ['-c', 'import json, sys, yaml; json.dump([d for d in yaml.safe_load_all(sys.stdin) if d], sys.stdout)'], {
      input: yaml,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    }),
  );

const ciValues = (root: string) => readdirSync(join(root, 'tools/k8s/ci-values')).filter((n) => n.endsWith('.yaml')).sort();
const KUSTOMIZATIONS = [['base', 'default'], ['overlays/dev', 'alphintra-dev'], ['overlays/prod', 'alphintra']];

/** The names of the forms renderDeploymentForms renders. */
export const deploymentFormNames = (root: string): string[] => [
  ...ciValues(root).map((f) => `helm ${basename(f, '.yaml')}`),
  ...KUSTOMIZATIONS.map(([dir]) => `kustomize ${dir}`),
  'compose',
];

/** The chart for each tools/k8s/ci-values/*.yaml (every topology, in-cluster and external infrastructure), k8s/base and its overlays, and docker/compose.yaml. */
export function renderDeploymentForms(root: string): DeploymentForm[] {
  const t = deploymentTools(root);
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  const forms: DeploymentForm[] = [];
  for (const f of ciValues(root)) {
    const yaml = run(t.helm, ['template', t.release, 'helm/alphintra', '--namespace', 'alphintra', '--kube-version', t.kubeVersion, '-f', `tools/k8s/ci-values/${f}`]);
    forms.push({ name: `helm ${basename(f, '.yaml')}`, kind: 'kubernetes', objects: yamlToJson(t.python, yaml), namespace: 'alphintra' });
  }
  for (const [dir, namespace] of KUSTOMIZATIONS) {
    forms.push({ name: `kustomize ${dir}`, kind: 'kubernetes', objects: yamlToJson(t.python, run('kubectl', ['kustomize', `k8s/${dir}`])), namespace });
  }
  const [compose] = yamlToJson(t.python, readFileSync(join(root, 'docker/compose.yaml'), 'utf8'));
  forms.push({ name: 'compose', kind: 'compose', objects: Object.entries(compose.services as Obj).map(([name, s]) => ({ ...s, name })), namespace: '' });
  return forms;
}

/** `${VAR:-default}` → default, `${VAR:?message}` and `${VAR}` (docker/.env's secrets and names) → a placeholder. */
const interpolate = (v: string) => v.replace(/\$\{([A-Z0-9_]+)(?::?([-?])([^}]*))?\}/g, (_m, _name, op, arg) => (op === '-' ? arg : SECRET_PLACEHOLDER));

function composeEnv(service: Obj): ContainerEnv {
  const raw = service.environment ?? {};
  const entries: [string, unknown][] = Array.isArray(raw) ? raw.map((e: string) => [e.split('=')[0], e.slice(e.indexOf('=') + 1)]) : Object.entries(raw);
  return Object.fromEntries(entries.map(([k, v]) => [k, interpolate(String(v ?? ''))]));
}

function podEnv(form: DeploymentForm, container: Obj): ContainerEnv {
  const env: ContainerEnv = {};
  const configMap = (name: string) => form.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name)?.data ?? {};
  for (const from of container.envFrom ?? []) if (from.configMapRef) Object.assign(env, configMap(from.configMapRef.name));
  for (const e of container.env ?? []) {
    if ('value' in e) env[e.name] = String(e.value);
    else if (e.valueFrom?.configMapKeyRef) env[e.name] = configMap(e.valueFrom.configMapKeyRef.name)[e.valueFrom.configMapKeyRef.key];
    else if (e.valueFrom?.secretKeyRef && !e.valueFrom.secretKeyRef.optional) env[e.name] = SECRET_PLACEHOLDER;
  }
  return env;
}

const deploymentOf = (form: DeploymentForm, app: string) =>
  form.objects.find((o) => o.kind === 'Deployment' && o.spec.template.metadata.labels?.['app.kubernetes.io/component'] === app);

/** The environment of the app's long-running container, and of its migration container where it has one. */
export function appEnvironments(form: DeploymentForm, app: string): { app?: ContainerEnv; migration?: ContainerEnv } {
  if (form.kind === 'compose') {
    const svc = (name: string) => form.objects.find((s) => s.name === name);
    const [a, m] = [svc(app), svc(`${app}-migrate`)];
    return { app: a && composeEnv(a), migration: m && composeEnv(m) };
  }
  const dep = deploymentOf(form, app);
  const job = form.objects.find((o) => o.kind === 'Job' && o.metadata.name.endsWith(`-${app}-migrate`));
  return {
    app: dep && podEnv(form, dep.spec.template.spec.containers[0]),
    migration: job && podEnv(form, job.spec.template.spec.containers.find((c: Obj) => c.name === 'migrate')),
  };
}

/** Where a URL leads from a pod of `from`: the app serving it, and whether the call crosses the network. */
export interface Destination {
  app?: string;
  /** The destination's container port, for a call over the network. */
  port?: number;
  problem?: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function destinationOf(form: DeploymentForm, from: string, value: string): Destination {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: `${JSON.stringify(value)} is not a URL` };
  }
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const listensOn = (app: string) => Number(appEnvironments(form, app).app?.PORT);
  if (LOOPBACK.has(url.hostname)) {
    return port === listensOn(from) ? { app: from } : { problem: `${value}: loopback, but ${from} listens on ${listensOn(from)}` };
  }
  if (form.kind === 'compose') {
    if (!form.objects.some((s) => s.name === url.hostname)) return { problem: `${value}: no compose service ${url.hostname}` };
    return port === listensOn(url.hostname) ? { app: url.hostname, port } : { problem: `${value}: ${url.hostname} listens on ${listensOn(url.hostname)}` };
  }
  const [name, namespace, ...rest] = url.hostname.split('.');
  if (namespace && form.namespace !== 'default' && namespace !== form.namespace) return { problem: `${value}: namespace ${namespace}, the release is in ${form.namespace}` };
  if (rest.length && rest[0] !== 'svc') return { problem: `${value}: not a Service name` };
  const svc = form.objects.find((o) => o.kind === 'Service' && o.metadata.name === name);
  if (!svc) return { problem: `${value}: no Service ${name}` };
  const sp = (svc.spec.ports ?? []).find((p: Obj) => p.port === port);
  if (!sp) return { problem: `${value}: Service ${name} has no port ${port}` };
  const deps = form.objects.filter((o) => o.kind === 'Deployment' && svc.spec.selector && Object.entries(svc.spec.selector).every(([k, v]) => o.spec.template.metadata.labels?.[k] === v));
  if (deps.length !== 1) return { problem: `${value}: Service ${name} selects ${deps.length} Deployments` };
  const app = deps[0].spec.template.metadata.labels['app.kubernetes.io/component'] as string;
  const target = sp.targetPort ?? sp.port;
  const cport = typeof target === 'number' ? target : deps[0].spec.template.spec.containers[0].ports?.find((p: Obj) => p.name === target)?.containerPort;
  return cport === listensOn(app) ? { app, port: cport } : { problem: `${value}: Service ${name} port ${port} leads to ${cport}, ${app} listens on ${listensOn(app)}` };
}

/** The app pods of a Kubernetes form, for NetworkPolicy evaluation. */
export function appPods(form: DeploymentForm, apps: string[]): Pod[] {
  return apps.flatMap((app): Pod[] => {
    const dep = deploymentOf(form, app);
    if (!dep) return [];
    return [{ app, namespace: dep.metadata.namespace ?? form.namespace, labels: dep.spec.template.metadata.labels, ports: dep.spec.template.spec.containers[0].ports ?? [] }];
  });
}
