import { resolve } from 'node:path';
import { appEnvironments, deploymentFormNames, renderDeploymentForms, type DeploymentForm } from './deployment-forms';
import { AUTH_HASHING, MEASURED_PEAK, quantityMib, requiredLimitMib } from './measured-memory';
import { edgeProblems } from './network-edges';
import { appsIn, loadEnvOf, serviceUrlVariables, variablesRead } from './service-urls';
import { policyProblems, wiringOf, type AppSchema } from './wiring';

/**
 * In-cluster wiring (ADR 0021): the URL variables come from the apps' env schemas, the
 * deployments from the chart (each CI topology), the kustomize base and overlays, and
 * docker/compose.yaml. Needs the helm and Python that tools/k8s/check.sh installs into the
 * cache (make test runs check.sh first).
 */
const root = resolve(__dirname, '../..');
const apps = appsIn(root);
const schemas: AppSchema[] = apps.map((app) => {
  const loadEnv = loadEnvOf(root, app);
  return { app, loadEnv, urls: serviceUrlVariables(variablesRead(loadEnv), apps) };
});

let forms: DeploymentForm[];
beforeAll(() => {
  forms = renderDeploymentForms(root);
}, 300_000);
const form = (name: string) => forms.find((f) => f.name === name)!;
const wiringEnv = (f: DeploymentForm, app: string) => appEnvironments(f, app).app!;

describe('the URL variables of the env schemas', () => {
  it('are found in every app, each designating an app or an outside server', () => {
    const table = Object.fromEntries(schemas.map((s) => [s.app, s.urls.map((u) => `${u.name}→${u.target ?? 'outside'}`)]));
    // the known wiring is a floor, not the list: a new variable must be wired, not added here
    expect(table.gateway).toEqual(expect.arrayContaining(['AUTH_JWKS_URL→auth', 'GATEWAY_UPSTREAM_STRATEGY→strategy']));
    expect(table.user).toContain('STRATEGY_URL→strategy');
    expect(table.nocode).toContain('STRATEGY_URL→strategy');
    expect(table.strategy).toContain('NOCODE_URL→nocode');
    expect(table.notification).toContain('SMTP_URL→outside');
    for (const s of schemas.filter((x) => x.app !== 'gateway')) expect(table[s.app]).toContain('AUTH_JWKS_URL→auth');
  });
});

describe.each(deploymentFormNames(root))(
  '%s',
  (name) => {
    it('sets every URL variable of every app to the app it names, and each environment passes its schema', () => {
      expect(wiringOf(form(name), schemas).problems).toEqual([]);
    });
    if (name !== 'compose') {
      it('has NetworkPolicies that allow exactly the calls the URL variables make between apps', () => {
        const f = form(name);
        expect(policyProblems(f, apps, wiringOf(f, schemas).edges)).toEqual([]);
      });
    }
  },
);

/** The forms whose PostgreSQL and Kafka run in the release (external ones are reached by address, not by pod). */
const internalForms = deploymentFormNames(root).filter((n) => n.startsWith('kustomize') || /-internal$/.test(n));

describe.each(internalForms)('%s: every network edge the code uses (URLs, Kafka topics, databases), and no other', (name) => {
  it('the NetworkPolicies allow exactly those edges (tools/k8s/cluster.spec.ts checks the same on the objects the API server stored)', () => {
    const r = edgeProblems(form(name), apps, schemas);
    expect(r.problems).toEqual([]);
    expect(r.allowed).toEqual(expect.arrayContaining(['gateway -> kafka:9092', 'auth -> kafka:9092', 'risk -> postgresql:5432', 'nocode -> strategy:3003']));
    expect(r.allowed.some((e) => e.startsWith('gateway -> postgresql'))).toBe(false);
  });
});

describe.each(deploymentFormNames(root).filter((n) => n !== 'compose'))('%s: memory limits', (name) => {
  it('every app container may use its measured peak plus the margin (auth: for its password-hashing concurrency)', () => {
    const f = form(name);
    const short: string[] = [];
    for (const app of apps) {
      const dep = f.objects.find((o) => o.kind === 'Deployment' && o.spec.template.metadata.labels?.['app.kubernetes.io/component'] === app)!;
      const limit = dep.spec.template.spec.containers[0].resources?.limits?.memory;
      const concurrency = app === 'auth' ? (schemas.find((s) => s.app === 'auth')!.loadEnv(wiringEnv(f, 'auth')) as { AUTH_PASSWORD_HASH_CONCURRENCY: number }).AUTH_PASSWORD_HASH_CONCURRENCY : undefined;
      const need = requiredLimitMib(app, concurrency);
      if (limit === undefined || quantityMib(limit) < need) short.push(`${app}: limit ${limit ?? 'none'} < ${need}Mi (${MEASURED_PEAK[app]!.source})`);
    }
    expect(short).toEqual([]);
  });
});

it('has a measured peak for every app, and the one of auth includes its hashing', () => {
  expect(Object.keys(MEASURED_PEAK).sort()).toEqual([...apps].sort());
  for (const [app, m] of Object.entries(MEASURED_PEAK)) expect({ app, measured: m.mib > 100 }).toEqual({ app, measured: true });
  expect(AUTH_HASHING.peakMib).toBeGreaterThan(MEASURED_PEAK.auth!.mib - 100);
  // each concurrent hash beyond the measured concurrency raises auth's need by 128 MiB (plus the margin)
  expect(requiredLimitMib('auth', AUTH_HASHING.concurrency + 1) - requiredLimitMib('auth', AUTH_HASHING.concurrency)).toBeGreaterThanOrEqual(128);
});

it('renders every form, each Kubernetes one with NetworkPolicies', () => {
  expect(forms.map((f) => f.name)).toEqual(deploymentFormNames(root));
  expect(forms.filter((f) => f.kind === 'kubernetes' && !f.objects.some((o) => o.kind === 'NetworkPolicy')).map((f) => f.name)).toEqual([]);
});

describe('the checks are not vacuous', () => {
  const mutate = (name: string, change: (objects: Record<string, any>[]) => void): DeploymentForm => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const f = structuredClone(form(name));
    change(f.objects);
    return f;
  };
  const byName = (objects: Record<string, any>[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name)!; // eslint-disable-line @typescript-eslint/no-explicit-any
  const problems = (f: DeploymentForm) => {
    const { problems: wiring, edges } = wiringOf(f, schemas);
    return f.kind === 'compose' ? wiring : [...wiring, ...policyProblems(f, apps, edges)];
  };

  it('reports a URL variable that is missing, and one that leads to another app', () => {
    const f = mutate('helm separate-internal', (o) => {
      delete byName(o, 'ConfigMap', 'alphintra-user').data.STRATEGY_URL;
      byName(o, 'ConfigMap', 'alphintra-strategy').data.NOCODE_URL = 'http://alphintra-trading:3004';
    });
    expect(problems(f)).toEqual(
      expect.arrayContaining(['user: STRATEGY_URL is not set (it must lead to strategy)', 'strategy: NOCODE_URL=http://alphintra-trading:3004 leads to trading, not nocode']),
    );
  });

  it('reports a used call that a policy blocks, and an allowed one no URL names', () => {
    const f = mutate('kustomize overlays/prod', (o) => {
      const strategy = byName(o, 'NetworkPolicy', 'alphintra-strategy').spec.ingress[0].from[0].podSelector.matchExpressions[0];
      strategy.values = strategy.values.filter((v: string) => v !== 'nocode');
      byName(o, 'NetworkPolicy', 'alphintra-trading').spec.ingress[0].from[0].podSelector.matchExpressions[0].values.push('user');
      byName(o, 'NetworkPolicy', 'alphintra-user').spec.egress.push({ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/component': 'trading' } } }] });
    });
    expect(problems(f)).toEqual([
      'nocode -> strategy:3003 (STRATEGY_URL) is blocked by the NetworkPolicies',
      'user -> trading:3004 is allowed by the NetworkPolicies, but no URL variable of user leads there',
    ]);
  });

  it('reports a Kafka or database edge a policy blocks, and an infrastructure port it opens that nothing uses', () => {
    const f = mutate('helm separate-internal', (o) => {
      const risk = byName(o, 'NetworkPolicy', 'alphintra-risk').spec.egress;
      risk.splice(risk.findIndex((r: Record<string, any>) => r.to?.[0]?.podSelector?.matchLabels?.['app.kubernetes.io/component'] === 'kafka'), 1); // eslint-disable-line @typescript-eslint/no-explicit-any
      byName(o, 'NetworkPolicy', 'alphintra-gateway').spec.egress.push({ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/component': 'postgresql' } } }], ports: [{ protocol: 'TCP', port: 5432 }] });
      byName(o, 'Deployment', 'alphintra-gateway').spec.template.metadata.labels['alphintra.io/postgres-client'] = 'true';
      const gatewayToKafka = byName(o, 'NetworkPolicy', 'alphintra-gateway').spec.egress.find((r: Record<string, any>) => r.to?.[0]?.podSelector?.matchLabels?.['app.kubernetes.io/component'] === 'kafka'); // eslint-disable-line @typescript-eslint/no-explicit-any
      gatewayToKafka.ports.push({ protocol: 'TCP', port: 9093 });
      byName(o, 'NetworkPolicy', 'alphintra-kafka').spec.ingress[0].ports.push({ protocol: 'TCP', port: 9093 });
    });
    expect(edgeProblems(f, apps, schemas).problems.sort()).toEqual(
      [
        'extra: gateway -> postgresql:5432 is allowed by the NetworkPolicies, but nothing in the code makes that call',
        'missing: risk -> kafka:9092 (KAFKA_BROKERS (kafka topics)) is blocked by the NetworkPolicies',
        'extra: gateway -> kafka:9093 is allowed by the NetworkPolicies, but nothing in the code makes that call',
      ].sort(),
    );
  });

  it('reports an environment its schema refuses', () => {
    const f = mutate('compose', (o) => {
      o.find((s) => s.name === 'nocode')!.environment.STRATEGY_URL = 'ftp://strategy:3003';
    });
    expect(problems(f).join('\n')).toMatch(/nocode \(app container\): its environment fails apps\/nocode\/src\/env.ts: .*STRATEGY_URL/);
  });
});
