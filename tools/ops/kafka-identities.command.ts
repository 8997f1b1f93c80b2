import { parseArgs } from 'node:util';
import { z } from 'zod';
import { kafkaBrokers, loadEnv } from '@alphintra/platform-config';
import {
  aclsOf,
  createKafka,
  describeKafkaSecurity,
  ensureKafkaIdentities,
  kafkaPermissions,
  kafkaSecurityFromEnv,
  kafkaUserOf,
  KAFKA_CLIENTS,
  type KafkaClientName,
  type KafkaIdentitiesResult,
} from '@alphintra/platform-messaging';
import { UsageError } from './migrate-topology.command';

export const KAFKA_IDENTITIES_USAGE = `  kafka-identities [--print] [--clients auth,user,...,gateway]
              SCRAM-SHA-512 users alphintra-<client> and their ACLs (ADR 0028), idempotent: a user is written
              only when its password does not log in; missing ACLs are created, ACLs of those users that the
              map does not hold are deleted. --print shows the ACLs and connects to nothing.
              env: KAFKA_BROKERS [KAFKA_TOPIC_PREFIX] [KAFKA_USER_PREFIX=alphintra-]
                   KAFKA_SASL_MECHANISM KAFKA_SASL_USERNAME KAFKA_SASL_PASSWORD (the admin, a super user)
                   [KAFKA_SSL=true] [KAFKA_SSL_CA_FILE] KAFKA_<CLIENT>_PASSWORD for each client`;

export interface KafkaIdentitiesArgs {
  print: boolean;
  clients: KafkaClientName[];
}

export function parseKafkaIdentitiesArgs(args: string[]): KafkaIdentitiesArgs {
  let values;
  try {
    ({ values } = parseArgs({ args, strict: true, options: { print: { type: 'boolean' }, clients: { type: 'string' } } }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const clients = values.clients ? values.clients.split(',').map((s) => s.trim()) : [...KAFKA_CLIENTS];
  const unknown = clients.filter((c) => !(KAFKA_CLIENTS as readonly string[]).includes(c));
  if (unknown.length) throw new UsageError(`--clients: unknown ${unknown.join(', ')} (known: ${KAFKA_CLIENTS.join(', ')})`);
  return { print: values.print ?? false, clients: clients as KafkaClientName[] };
}

const passwordOf = (client: string) => `KAFKA_${client.toUpperCase()}_PASSWORD`;

const baseEnv = z.object({ KAFKA_TOPIC_PREFIX: z.string().default(''), KAFKA_USER_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/).default('alphintra-') });
const connectEnv = (clients: readonly string[]) =>
  baseEnv.extend({
    KAFKA_BROKERS: kafkaBrokers,
    ...Object.fromEntries(clients.map((c) => [passwordOf(c), z.string().min(12, 'must be at least 12 characters')])),
  });

/** Exit code 0; configuration errors throw (ConfigError, exit 78 in main). */
export async function kafkaIdentitiesCommand(
  args: string[],
  source: NodeJS.ProcessEnv = process.env,
  print: (line: string) => void = console.log,
): Promise<{ code: number; result?: KafkaIdentitiesResult }> {
  const a = parseKafkaIdentitiesArgs(args);
  if (a.print) {
    const e = loadEnv(baseEnv, source);
    for (const p of kafkaPermissions().filter((x) => a.clients.includes(x.client))) {
      for (const acl of aclsOf(p, { topicPrefix: e.KAFKA_TOPIC_PREFIX, userPrefix: e.KAFKA_USER_PREFIX })) {
        print(`${acl.principal}\tALLOW ${acl.operation.toUpperCase()}\t${acl.resourceType} ${acl.pattern === 'prefixed' ? `${acl.name}*` : acl.name}`);
      }
    }
    return { code: 0 };
  }
  const e = loadEnv(connectEnv(a.clients), source) as z.infer<typeof baseEnv> & { KAFKA_BROKERS: string[] } & Record<string, string>;
  const adminSecurity = kafkaSecurityFromEnv(source);
  if (!adminSecurity.sasl) throw new UsageError('kafka-identities needs the admin identity: KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD');
  print(`kafka: ${e.KAFKA_BROKERS.join(',')} (${describeKafkaSecurity(adminSecurity)})`);
  const admin = createKafka({ brokers: e.KAFKA_BROKERS, clientId: 'alphintra-ops', security: adminSecurity });
  const result = await ensureKafkaIdentities({
    admin,
    brokers: e.KAFKA_BROKERS,
    adminSecurity,
    passwords: Object.fromEntries(a.clients.map((c) => [c, e[passwordOf(c)]])),
    topicPrefix: e.KAFKA_TOPIC_PREFIX,
    userPrefix: e.KAFKA_USER_PREFIX,
    clients: a.clients,
    log: print,
  });
  print(`kafka identities: ${a.clients.map((c) => kafkaUserOf(c, e.KAFKA_USER_PREFIX)).join(', ')}`);
  return { code: 0, result };
}
