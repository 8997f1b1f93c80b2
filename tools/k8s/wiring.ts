import { appEnvironments, appPods, destinationOf, type DeploymentForm } from './deployment-forms';
import { connectionAllowed } from './network-policy';
import type { LoadEnv, ServiceUrlVariable } from './service-urls';

/** What an app's env schema says about it: its loader and the URL variables it reads. */
export interface AppSchema {
  app: string;
  loadEnv: LoadEnv;
  urls: ServiceUrlVariable[];
}

/** A call one app makes to another over the network because a URL variable names it. */
export interface Edge {
  from: string;
  to: string;
  port: number;
  variable: string;
}

/**
 * Every URL variable of every app is set in the form and leads to the app its name designates
 * (through a Service or compose service that reaches that app's port, or loopback for the
 * app itself), and the whole environment of each app (and its migration) passes its schema.
 */
export function wiringOf(form: DeploymentForm, schemas: AppSchema[]): { problems: string[]; edges: Edge[] } {
  const problems: string[] = [];
  const edges: Edge[] = [];
  for (const { app, loadEnv, urls } of schemas) {
    const envs = appEnvironments(form, app);
    if (!envs.app) {
      problems.push(`${app}: not deployed`);
      continue;
    }
    for (const v of urls) {
      const value = envs.app[v.name];
      if (v.target === undefined) {
        const d = value === undefined ? undefined : destinationOf(form, app, value);
        if (d?.app) problems.push(`${app}: ${v.name} names no app but leads to ${d.app}`);
        continue;
      }
      if (value === undefined) {
        problems.push(`${app}: ${v.name} is not set (it must lead to ${v.target})`);
        continue;
      }
      const d = destinationOf(form, app, value);
      if (d.problem) problems.push(`${app}: ${v.name}: ${d.problem}`);
      else if (d.app !== v.target) problems.push(`${app}: ${v.name}=${value} leads to ${d.app}, not ${v.target}`);
      else if (d.port !== undefined) edges.push({ from: app, to: d.app, port: d.port, variable: v.name });
    }
    for (const [which, env] of Object.entries(envs)) {
      if (!env) continue;
      try {
        loadEnv(env);
      } catch (e) {
        problems.push(`${app} (${which} container): its environment fails apps/${app}/src/env.ts: ${(e as Error).message.replace(/\s+/g, ' ')}`);
      }
    }
  }
  return { problems, edges };
}

const key = (from: string, to: string, port: number) => `${from} -> ${to}:${port}`;

/** The NetworkPolicies allow every edge and no other connection between two app pods. */
export function policyProblems(form: DeploymentForm, apps: string[], edges: Edge[]): string[] {
  const policies = form.objects.filter((o) => o.kind === 'NetworkPolicy');
  const pods = appPods(form, apps);
  const pod = (app: string) => pods.find((p) => p.app === app)!;
  const problems: string[] = [];
  for (const e of edges) {
    const port = pod(e.to).ports.find((p) => p.containerPort === e.port) ?? { containerPort: e.port };
    if (!connectionAllowed(policies, pod(e.from), pod(e.to), port)) problems.push(`${key(e.from, e.to, e.port)} (${e.variable}) is blocked by the NetworkPolicies`);
  }
  const used = new Set(edges.map((e) => key(e.from, e.to, e.port)));
  for (const from of pods) {
    for (const to of pods) {
      for (const port of to.ports) {
        if (connectionAllowed(policies, from, to, port) && !used.has(key(from.app, to.app, port.containerPort))) {
          problems.push(`${key(from.app, to.app, port.containerPort)} is allowed by the NetworkPolicies, but no URL variable of ${from.app} leads there`);
        }
      }
    }
  }
  return problems;
}
