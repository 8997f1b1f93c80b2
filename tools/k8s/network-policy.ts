/**
 * Which pod may open a TCP connection to which, by the NetworkPolicy rules of
 * networking.k8s.io/v1: a pod selected by no policy of a direction is open in it; otherwise a
 * connection needs an egress rule of the source's policies and an ingress rule of the
 * destination's that both match. ipBlock peers are taken to match no pod (pod addresses are
 * not known offline), a namespaceSelector only the pods' own namespace by its
 * `kubernetes.io/metadata.name` label.
 */
export interface Pod {
  app: string;
  namespace: string;
  labels: Record<string, string>;
  ports: { name?: string; containerPort: number; protocol?: string }[];
}

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function selects(selector: Obj | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    const ok =
      e.operator === 'In' ? has && e.values.includes(labels[e.key])
      : e.operator === 'NotIn' ? !has || !e.values.includes(labels[e.key])
      : e.operator === 'Exists' ? has
      : e.operator === 'DoesNotExist' ? !has
      : false;
    if (!ok) return false;
  }
  return true;
}

function peerMatches(peer: Obj, pod: Pod, policyNamespace: string): boolean {
  if (peer.ipBlock) return false;
  const namespaceOk = peer.namespaceSelector
    ? selects(peer.namespaceSelector, { 'kubernetes.io/metadata.name': pod.namespace })
    : pod.namespace === policyNamespace;
  return namespaceOk && selects(peer.podSelector, pod.labels);
}

function portMatches(ports: Obj[] | undefined, port: Pod['ports'][number]): boolean {
  if (!ports?.length) return true;
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== (port.protocol ?? 'TCP')) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'string') return p.port === port.name;
    return p.endPort ? port.containerPort >= p.port && port.containerPort <= p.endPort : port.containerPort === p.port;
  });
}

const typesOf = (np: Obj): string[] => np.spec.policyTypes ?? ['Ingress', ...(np.spec.egress ? ['Egress'] : [])];

function allows(policies: Obj[], pod: Pod, direction: 'Ingress' | 'Egress', peer: Pod, port: Pod['ports'][number]): boolean {
  const mine = policies.filter((np) => typesOf(np).includes(direction) && (np.metadata.namespace ?? pod.namespace) === pod.namespace && selects(np.spec.podSelector, pod.labels));
  if (!mine.length) return true;
  const [rules, peers] = direction === 'Ingress' ? ['ingress', 'from'] : ['egress', 'to'];
  return mine.some((np) =>
    (np.spec[rules] ?? []).some((r: Obj) => (!r[peers]?.length || r[peers].some((p: Obj) => peerMatches(p, peer, np.metadata.namespace ?? pod.namespace))) && portMatches(r.ports, port)),
  );
}

/** May `from` connect to `to` on that container port of `to`? */
export function connectionAllowed(policies: Obj[], from: Pod, to: Pod, port: Pod['ports'][number]): boolean {
  return allows(policies, from, 'Egress', to, port) && allows(policies, to, 'Ingress', from, port);
}
