export const SERVICES = ['auth', 'user', 'strategy', 'trading', 'risk', 'broker', 'nocode', 'notification'] as const;
export type ServiceName = (typeof SERVICES)[number];

export const TOPOLOGIES = ['separate', 'domains', 'schemas'] as const;
export type Topology = (typeof TOPOLOGIES)[number];

const DOMAIN_OF: Record<ServiceName, string> = {
  trading: 'financial',
  risk: 'financial',
  strategy: 'financial',
  user: 'platform',
  auth: 'platform',
  notification: 'platform',
  nocode: 'workflow',
  broker: 'workflow',
};

/** The database a service's schema lives in, per topology (ARCHITECTURE.md section 3). */
export function databaseFor(topology: Topology, service: ServiceName, prefix = 'alphintra'): string {
  switch (topology) {
    case 'separate':
      return `${prefix}_${service}`;
    case 'domains':
      return `${prefix}_${DOMAIN_OF[service]}`;
    case 'schemas':
      return `${prefix}_central`;
  }
}

export const databasesOf = (topology: Topology, prefix = 'alphintra'): string[] => [
  ...new Set(SERVICES.map((s) => databaseFor(topology, s, prefix))),
];

export const schemaOf = (service: ServiceName): string => `${service}_data`;

/** Roles are cluster-wide: a prefix lets isolated installations (test suites) share one cluster. */
export const runtimeUserOf = (service: ServiceName, rolePrefix = ''): string => `${rolePrefix}${service}_service_user`;
export const ownerRoleOf = (service: ServiceName, rolePrefix = ''): string => `${rolePrefix}${service}_owner`;

export interface Naming {
  dbPrefix: string;
  rolePrefix: string;
}
export const DEFAULT_NAMING: Naming = { dbPrefix: 'alphintra', rolePrefix: '' };
