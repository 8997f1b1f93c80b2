import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes, type AclEntry } from 'kafkajs';
import { kafkaPermissions, KAFKA_CLIENTS, type KafkaClientName, type KafkaPermissions } from './kafka-identities';
import type { Kafka } from './kafka';
import { alterScramCredentials, canAuthenticate, type ScramMechanism } from './kafka-scram';
import type { KafkaSecurity } from './kafka-security';

/** The SASL user of a client: `alphintra-<client>` by default. */
export const kafkaUserOf = (client: KafkaClientName, userPrefix = 'alphintra-'): string => `${userPrefix}${client}`;

/** One ACL binding, as this module compares them. */
export interface KafkaAcl {
  principal: string;
  resourceType: 'topic' | 'group';
  pattern: 'literal' | 'prefixed';
  name: string;
  operation: 'read' | 'write';
}

const key = (a: KafkaAcl) => `${a.principal}|${a.resourceType}|${a.pattern}|${a.name}|${a.operation}`;

/**
 * The ACLs of one client: WRITE on what it produces, READ on what it consumes and on its consumer
 * groups (a name prefix, so the throwaway groups of the dead-letter admin are covered). WRITE and
 * READ imply DESCRIBE; WRITE on any topic allows the idempotent producer (no IDEMPOTENT_WRITE on
 * the cluster). Nothing else: no CREATE (provisioning makes the topics), no cluster operations.
 */
export function aclsOf(p: KafkaPermissions, o: { topicPrefix?: string; userPrefix?: string } = {}): KafkaAcl[] {
  const principal = `User:${kafkaUserOf(p.client, o.userPrefix)}`;
  const t = o.topicPrefix ?? '';
  return [
    ...p.produce.map((name): KafkaAcl => ({ principal, resourceType: 'topic', pattern: 'literal', name: t + name, operation: 'write' })),
    ...p.consume.map((name): KafkaAcl => ({ principal, resourceType: 'topic', pattern: 'literal', name: t + name, operation: 'read' })),
    ...(p.groupPrefix ? [{ principal, resourceType: 'group', pattern: 'prefixed', name: t + p.groupPrefix, operation: 'read' } satisfies KafkaAcl] : []),
  ];
}

const toEntry = (a: KafkaAcl): AclEntry => ({
  principal: a.principal,
  host: '*',
  resourceType: a.resourceType === 'topic' ? AclResourceTypes.TOPIC : AclResourceTypes.GROUP,
  resourceName: a.name,
  resourcePatternType: a.pattern === 'literal' ? ResourcePatternTypes.LITERAL : ResourcePatternTypes.PREFIXED,
  operation: a.operation === 'read' ? AclOperationTypes.READ : AclOperationTypes.WRITE,
  permissionType: AclPermissionTypes.ALLOW,
});

const RESOURCE: Partial<Record<AclResourceTypes, KafkaAcl['resourceType']>> = { [AclResourceTypes.TOPIC]: 'topic', [AclResourceTypes.GROUP]: 'group' };
const PATTERN: Partial<Record<ResourcePatternTypes, KafkaAcl['pattern']>> = { [ResourcePatternTypes.LITERAL]: 'literal', [ResourcePatternTypes.PREFIXED]: 'prefixed' };
const OPERATION: Partial<Record<AclOperationTypes, KafkaAcl['operation']>> = { [AclOperationTypes.READ]: 'read', [AclOperationTypes.WRITE]: 'write' };

export interface KafkaIdentitiesOptions {
  /** A client authenticated as the admin identity (a super user). */
  admin: Kafka;
  brokers: string[];
  /** The admin's security, for the SCRAM requests kafkajs does not have. */
  adminSecurity: KafkaSecurity;
  /** Each client's password; a client without one gets no user (its ACLs are still converged). */
  passwords: Partial<Record<KafkaClientName, string>>;
  topicPrefix?: string;
  userPrefix?: string;
  mechanism?: ScramMechanism;
  /** Clients to manage (default: all nine). */
  clients?: readonly KafkaClientName[];
  /** Tightened topic list (default: every topic of the contracts). */
  topics?: readonly string[];
  log?: (line: string) => void;
}

export interface KafkaIdentitiesResult {
  /** Users whose password did not authenticate and were (re)written. */
  usersWritten: string[];
  /** Users whose password already authenticated. */
  usersUnchanged: string[];
  aclsCreated: KafkaAcl[];
  aclsDeleted: KafkaAcl[];
  aclsUnchanged: number;
}

/**
 * Converges SCRAM users and their ACLs to the map (idempotent): a user is (re)written only when its
 * password does not authenticate, missing ACLs are created, and ALLOW/DENY bindings of the managed
 * principals that the map does not contain are deleted (a subscription dropped in code loses its
 * ACL on the next run). Bindings of other principals are not touched.
 */
export async function ensureKafkaIdentities(o: KafkaIdentitiesOptions): Promise<KafkaIdentitiesResult> {
  const log = o.log ?? (() => undefined);
  const clients = o.clients ?? KAFKA_CLIENTS;
  const mechanism = o.mechanism ?? 'SCRAM-SHA-512';
  const result: KafkaIdentitiesResult = { usersWritten: [], usersUnchanged: [], aclsCreated: [], aclsDeleted: [], aclsUnchanged: 0 };

  const stale: { name: string; password: string }[] = [];
  for (const client of clients) {
    const password = o.passwords[client];
    if (!password) continue;
    const name = kafkaUserOf(client, o.userPrefix);
    const sasl = { mechanism: mechanism === 'SCRAM-SHA-256' ? ('scram-sha-256' as const) : ('scram-sha-512' as const), username: name, password };
    if (await canAuthenticate(o.brokers, { ...o.adminSecurity, sasl })) result.usersUnchanged.push(name);
    else stale.push({ name, password });
  }
  if (stale.length) {
    await alterScramCredentials({ brokers: o.brokers, security: o.adminSecurity }, stale.map((s) => ({ ...s, mechanism })));
    result.usersWritten.push(...stale.map((s) => s.name));
  }
  for (const name of result.usersWritten) log(`kafka user ${name}: SCRAM credential written`);
  for (const name of result.usersUnchanged) log(`kafka user ${name}: unchanged`);

  const wanted = new Map(
    kafkaPermissions(o.topics)
      .filter((p) => clients.includes(p.client))
      .flatMap((p) => aclsOf(p, o))
      .map((a) => [key(a), a]),
  );
  const admin = o.admin.admin();
  await admin.connect();
  try {
    const present = new Map<string, KafkaAcl>();
    const extra: KafkaAcl[] = [];
    const extraFilters: AclEntry[] = [];
    for (const client of clients) {
      const principal = `User:${kafkaUserOf(client, o.userPrefix)}`;
      const { resources } = await admin.describeAcls({
        resourceType: AclResourceTypes.ANY,
        resourcePatternType: ResourcePatternTypes.ANY,
        principal,
        operation: AclOperationTypes.ANY,
        permissionType: AclPermissionTypes.ANY,
      });
      for (const r of resources) {
        for (const acl of r.acls) {
          const resourceType = RESOURCE[r.resourceType];
          const pattern = PATTERN[r.resourcePatternType];
          const operation = OPERATION[acl.operation];
          const a = resourceType && pattern && operation && acl.host === '*' && acl.permissionType === AclPermissionTypes.ALLOW ? { principal: acl.principal, resourceType, pattern, name: r.resourceName, operation } : undefined;
          if (a && wanted.has(key(a))) present.set(key(a), a);
          else {
            extra.push(a ?? { principal: acl.principal, resourceType: 'topic', pattern: 'literal', name: `${r.resourceName} (${AclOperationTypes[acl.operation]} ${AclPermissionTypes[acl.permissionType]})`, operation: 'read' });
            extraFilters.push({ ...acl, resourceType: r.resourceType, resourceName: r.resourceName, resourcePatternType: r.resourcePatternType });
          }
        }
      }
    }
    const missing = [...wanted.values()].filter((a) => !present.has(key(a)));
    if (missing.length) await admin.createAcls({ acl: missing.map(toEntry) });
    if (extraFilters.length) await admin.deleteAcls({ filters: extraFilters });
    result.aclsCreated = missing;
    result.aclsDeleted = extra;
    result.aclsUnchanged = present.size;
  } finally {
    await admin.disconnect();
  }
  log(`kafka ACLs: ${result.aclsCreated.length} created, ${result.aclsDeleted.length} deleted, ${result.aclsUnchanged} unchanged`);
  return result;
}
