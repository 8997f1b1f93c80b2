import { resolve } from 'node:path';
import { deploymentFormNames, renderDeploymentForms, type DeploymentForm } from './deployment-forms';
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

  it('reports an environment its schema refuses', () => {
    const f = mutate('compose', (o) => {
      o.find((s) => s.name === 'nocode')!.environment.STRATEGY_URL = 'ftp://strategy:3003';
    });
    expect(problems(f).join('\n')).toMatch(/nocode \(app container\): its environment fails apps\/nocode\/src\/env.ts: .*STRATEGY_URL/);
  });
});
