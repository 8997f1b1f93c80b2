import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_TOPICS, dlqOf } from '@alphintra/contracts';
import { availablePort, startLocalKafka, stateDir, type KafkaServer } from '@alphintra/devinfra';
import {
  ALL_CONTRACTS,
  consumerGroupOf,
  createKafka,
  ensureTopics,
  kafkaPermissions,
  kafkaUserOf,
  KAFKA_CLIENTS,
  KAFKA_SERVICES,
  KAFKA_SUBSCRIPTIONS,
  type Kafka,
  type KafkaClientName,
  type KafkaSecurity,
} from '@alphintra/platform-messaging';
import { SERVICES } from '@alphintra/platform-database';

/**
 * The messaging side of the 8×8 database matrix (ADR 0028): a SASL/SCRAM broker with the
 * StandardAuthorizer, identities and ACLs made by `ops kafka-identities`, then every identity ×
 * every topic (and its `.dlq`) × produce and consume, against what the apps' source says they
 * produce and consume — derived here from the code, not from the map the ACLs were made from.
 */

const ROOT = join(__dirname, '../../..');
const PREFIX = 'acl.';
const ADMIN = { username: 'alphintra-admin', password: randomBytes(18).toString('base64url') };
const PASSWORDS = Object.fromEntries(KAFKA_CLIENTS.map((c) => [c, randomBytes(18).toString('base64url')])) as Record<KafkaClientName, string>;
const securityOf = (who: KafkaClientName | 'admin'): KafkaSecurity => ({
  sasl: { mechanism: 'scram-sha-512', ...(who === 'admin' ? ADMIN : { username: kafkaUserOf(who), password: PASSWORDS[who] }) },
});
const TOPICS = [...ALL_TOPICS.flatMap((t) => [t, dlqOf(t)])].sort();

// --- what the code says ------------------------------------------------------------------------

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'testing' ? [] : sourceFiles(p);
    return p.endsWith('.ts') && !p.endsWith('.spec.ts') && !p.endsWith('.fixture.ts') ? [p] : [];
  });
}

const CONTRACT_BY_NAME = new Map<string, { topic: string }>();
{
  // the exported names of the contracts, read from their source (the values carry no name)
  const dir = join(ROOT, 'libs/contracts/src/events');
  for (const f of readdirSync(dir)) {
    for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/export const (\w+) = defineEvent\(\{\s*type:\s*'([^']+)'/g)) {
      const contract = ALL_CONTRACTS.find((k) => k.type === m[2]);
      if (contract) CONTRACT_BY_NAME.set(m[1]!, contract);
    }
  }
}

/** Contract names in an expression; identifiers defined as `const X = ...;` in `files` are expanded (STREAM_CONTRACTS → ORDER_CONTRACTS → ORDER_EVENTS). */
function contractsIn(expr: string, files: string[], seen = new Set<string>()): string[] {
  const out: string[] = [];
  for (const [id] of expr.matchAll(/\b[A-Z][A-Za-z0-9_]*\b/g)) {
    if (CONTRACT_BY_NAME.has(id)) out.push(id);
    else if (!seen.has(id)) {
      seen.add(id);
      for (const f of files) {
        const def = new RegExp(`const ${id}\\b[^=]*=([\\s\\S]*?);\\n`).exec(readFileSync(f, 'utf8'));
        if (def) out.push(...contractsIn(def[1]!, files, seen));
      }
    }
  }
  return out;
}

function derivedFromCode(): { produced: Map<string, Set<KafkaClientName>>; consumed: Map<KafkaClientName, Set<string>> } {
  const produced = new Map<string, Set<KafkaClientName>>();
  const consumed = new Map<KafkaClientName, Set<string>>();
  for (const svc of KAFKA_CLIENTS) {
    const files = sourceFiles(join(ROOT, 'apps', svc, 'src'));
    const reads = new Set<string>();
    for (const f of files) {
      const src = readFileSync(f, 'utf8');
      for (const m of src.matchAll(/\.(?:record|recordMany)\(\s*\w+,\s*(\w+)/g)) {
        const k = CONTRACT_BY_NAME.get(m[1]!);
        if (k) (produced.get(k.topic) ?? produced.set(k.topic, new Set()).get(k.topic)!).add(svc);
      }
      for (const m of src.matchAll(/\.publish\(\s*(\w+),/g)) {
        const k = CONTRACT_BY_NAME.get(m[1]!);
        if (k) (produced.get(k.topic) ?? produced.set(k.topic, new Set()).get(k.topic)!).add(svc);
      }
      for (const m of src.matchAll(/\bonEvent\(\s*(\w+)/g)) {
        const k = CONTRACT_BY_NAME.get(m[1]!);
        if (k) reads.add(k.topic);
      }
      const stream = /export const STREAM_CONTRACTS\b[^=]*=([\s\S]*?);\n/.exec(src);
      if (stream) for (const name of contractsIn(stream[1]!, files)) reads.add(CONTRACT_BY_NAME.get(name)!.topic);
    }
    consumed.set(svc, reads);
  }
  return { produced, consumed };
}

type Verdict = 'allowed' | 'denied';

function expectedMatrix(): Map<string, Verdict> {
  const { produced, consumed } = derivedFromCode();
  const expected = new Map<string, Verdict>();
  for (const c of KAFKA_CLIENTS) {
    const reads = consumed.get(c)!;
    // a service consumes in its group and dead-letters to <topic>.dlq; the gateway's fan-out subscriber skips instead
    const deadLetters = c !== 'gateway';
    for (const t of TOPICS) {
      const base = t.endsWith('.dlq') ? t.slice(0, -4) : t;
      const isDlq = base !== t;
      const produce = isDlq ? deadLetters && reads.has(base) : (produced.get(t)?.has(c) ?? false);
      const consume = isDlq ? deadLetters && reads.has(base) : reads.has(t);
      expected.set(`${c}|produce|${t}`, produce ? 'allowed' : 'denied');
      expected.set(`${c}|consume|${t}`, consume ? 'allowed' : 'denied');
    }
  }
  return expected;
}

// --- what the broker does ----------------------------------------------------------------------

const AUTHZ = /(TOPIC|GROUP|CLUSTER)_AUTHORIZATION_FAILED|not authorized/i;

/**
 * Whether the broker refused for want of an ACL. kafkajs hides GROUP_AUTHORIZATION_FAILED of
 * FindCoordinator behind "Failed to find group coordinator" (it tries every broker and drops their
 * errors): that counts as a refusal here, because the admin found the coordinator of such groups
 * first (the warm-up) and each identity joins its own groups in the same run.
 */
function authorizationError(e: unknown): boolean {
  for (let x = e as { name?: string; type?: string; message?: string; cause?: unknown; originalError?: unknown } | undefined, i = 0; x && i < 5; i++) {
    if (AUTHZ.test(x.type ?? '') || AUTHZ.test(x.message ?? '') || x.name === 'KafkaJSGroupCoordinatorNotFound') return true;
    x = (x.originalError ?? x.cause) as typeof x;
  }
  return false;
}

async function tryProduce(kafka: Kafka, topic: string): Promise<Verdict> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, retry: { retries: 1 } });
  try {
    await producer.connect();
    await producer.send({ topic: PREFIX + topic, acks: -1, messages: [{ key: 'acl', value: 'x' }] });
    return 'allowed';
  } catch (e) {
    if (authorizationError(e)) return 'denied';
    throw e;
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

/** Joins `groupId`, subscribes to `topics` from the beginning and waits for a message of each; 'denied' on an authorization error. */
async function tryConsume(kafka: Kafka, groupId: string, topics: string[], retries = 1, timeoutMs = 30_000): Promise<Verdict> {
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 100, retry: { retries, initialRetryTime: 100, restartOnFailure: async () => false } });
  const waiting = new Set(topics.map((t) => PREFIX + t));
  try {
    return await new Promise<Verdict>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${groupId}: no message of ${[...waiting].join(', ')} within ${timeoutMs} ms`)), timeoutMs);
      const settle = (v: Verdict | Error) => (clearTimeout(timer), v instanceof Error ? reject(v) : resolve(v));
      const fail = (e: unknown) => settle(authorizationError(e) ? 'denied' : (e as Error));
      consumer.on(consumer.events.CRASH, ({ payload }) => fail(payload.error));
      (async () => {
        await consumer.connect();
        await consumer.subscribe({ topics: [...waiting], fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachMessage: async ({ topic }) => {
            waiting.delete(topic);
            if (waiting.size === 0) settle('allowed');
          },
        });
      })().catch(fail);
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
}

/** Each identity reads with groups its ACLs name: `<prefix><service>-service…` for services, `<prefix>gateway-stream-…` for the gateway. */
const groupFor = (c: KafkaClientName) => (c === 'gateway' ? `${PREFIX}gateway-stream-${randomUUID()}` : `${PREFIX}${consumerGroupOf(c)}.acl-check.${randomUUID()}`);

function runOps(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(ROOT, 'tools/ops/main.ts'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`ops ${args.join(' ')} exited ${code}: ${out}`))));
  });
}

// --- the test ----------------------------------------------------------------------------------

describe('Kafka identities and ACLs (SASL/SCRAM, StandardAuthorizer)', () => {
  const name = `acl-matrix-${process.pid}`;
  let server: KafkaServer;
  let admin: Kafka;
  let opsEnv: Record<string, string>;
  const clientOf = new Map<KafkaClientName | 'admin', Kafka>();

  beforeAll(async () => {
    const port = await availablePort(39_400 + (process.pid % 500));
    try {
      server = await startLocalKafka({ name, port, fresh: true, heapMb: 384, sasl: { admin: ADMIN }, startTimeoutMs: 180_000 });
    } catch (e) {
      const log = join(stateDir('kafka', name), 'kafka.log');
      throw new Error(`${(e as Error).message}\n${existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-40).join('\n') : ''}`);
    }
    admin = createKafka({ brokers: server.brokers, clientId: 'acl-admin', security: securityOf('admin') });
    await ensureTopics(
      admin,
      ALL_TOPICS.map((t) => ({ name: PREFIX + t, partitions: 1, replicationFactor: 1, retentionMs: 3_600_000 })),
    );
    opsEnv = {
      KAFKA_BROKERS: server.brokers.join(','),
      KAFKA_TOPIC_PREFIX: PREFIX,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: ADMIN.username,
      KAFKA_SASL_PASSWORD: ADMIN.password,
      ...Object.fromEntries(KAFKA_CLIENTS.map((c) => [`KAFKA_${c.toUpperCase()}_PASSWORD`, PASSWORDS[c]])),
    };
    clientOf.set('admin', admin);
    for (const c of KAFKA_CLIENTS) clientOf.set(c, createKafka({ brokers: server.brokers, clientId: `acl-${c}`, security: securityOf(c) }));
  }, 300_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(stateDir('kafka', name), { recursive: true, force: true });
  });

  it('the identity map the ACLs are made from is the one the code has: producers by domain, subscriptions as the consumers handle them', () => {
    expect([...KAFKA_SERVICES].sort()).toEqual([...SERVICES].sort());
    const { produced, consumed } = derivedFromCode();
    const perms = new Map(kafkaPermissions().map((p) => [p.client, p]));
    for (const c of KAFKA_CLIENTS) {
      expect({ client: c, consumes: perms.get(c)!.consume.filter((t) => !t.endsWith('.dlq')) }).toEqual({ client: c, consumes: [...consumed.get(c)!].sort() });
    }
    for (const [topic, producers] of produced) {
      expect({ topic, producers: [...producers] }).toEqual({ topic, producers: KAFKA_CLIENTS.filter((c) => perms.get(c)!.produce.includes(topic)) });
    }
    expect(readFileSync(join(ROOT, 'apps/gateway/src/stream/stream.ts'), 'utf8')).toContain(`name: '${KAFKA_SUBSCRIPTIONS.gateway.group!.slice(0, -1)}'`);
  });

  it('ops kafka-identities creates the users and ACLs, and a second run changes nothing', async () => {
    const first = await runOps(['kafka-identities'], opsEnv);
    expect(first).toMatch(/kafka ACLs: \d+ created, 0 deleted, 0 unchanged/);
    expect(first.match(/SCRAM credential written/g)).toHaveLength(KAFKA_CLIENTS.length);
    const second = await runOps(['kafka-identities'], opsEnv);
    expect(second).toMatch(/kafka ACLs: 0 created, 0 deleted, \d+ unchanged/);
    expect(second.match(/: unchanged/g)).toHaveLength(KAFKA_CLIENTS.length);
  }, 120_000);

  it('every identity × every topic: produce and consume exactly as the code expects', async () => {
    const expected = expectedMatrix();
    const actual = new Map<string, Verdict>();
    // a marker on every topic, by the admin (a super user: it may do anything)
    for (const t of TOPICS) expect(await tryProduce(admin, t)).toBe('allowed');
    // (the first group of the broker makes __consumer_offsets: a few retries while it has no leader)
    expect(await tryConsume(admin, `${PREFIX}admin-${randomUUID()}`, TOPICS, 10)).toBe('allowed');

    await Promise.all(
      KAFKA_CLIENTS.map(async (c) => {
        const kafka = clientOf.get(c)!;
        for (const t of TOPICS) actual.set(`${c}|produce|${t}`, await tryProduce(kafka, t));
        // what it may read, in one group (one join); everything else one topic at a time (refused at once, or at the first fetch)
        const readable = TOPICS.filter((t) => expected.get(`${c}|consume|${t}`) === 'allowed');
        if (readable.length) {
          const together = await tryConsume(kafka, groupFor(c), readable);
          if (together === 'allowed') for (const t of readable) actual.set(`${c}|consume|${t}`, 'allowed');
        }
        for (const t of TOPICS.filter((x) => !actual.has(`${c}|consume|${x}`))) actual.set(`${c}|consume|${t}`, await tryConsume(kafka, groupFor(c), [t]));
      }),
    );

    const mismatches = [...expected].filter(([k, v]) => actual.get(k) !== v).map(([k, v]) => `${k}: expected ${v}, got ${actual.get(k)}`);
    const allowed = [...actual.values()].filter((v) => v === 'allowed').length;
    const cell = (c: KafkaClientName, t: string) =>
      `${actual.get(`${c}|produce|${t}`) === 'allowed' ? 'P' : '.'}${actual.get(`${c}|consume|${t}`) === 'allowed' ? 'C' : '.'}`;
    const width = Math.max(...TOPICS.map((t) => t.length));
    const table = [
      `${''.padEnd(width)}  ${KAFKA_CLIENTS.map((c) => c.slice(0, 5).padEnd(5)).join(' ')}`,
      ...TOPICS.map((t) => `${t.padEnd(width)}  ${KAFKA_CLIENTS.map((c) => cell(c, t).padEnd(5)).join(' ')}`),
    ];
    console.log(
      `Kafka ACL matrix: ${KAFKA_CLIENTS.length} identities × ${TOPICS.length} topics × produce/consume = ${actual.size} checks: ` +
        `${allowed} allowed, ${actual.size - allowed} denied, ${mismatches.length} unexpected (P produce, C consume)\n${table.join('\n')}`,
    );
    expect(mismatches).toEqual([]);
    expect(actual.size).toBe(KAFKA_CLIENTS.length * TOPICS.length * 2);

    // the cases the matrix exists for
    expect(actual.get(`broker|produce|${ALL_TOPICS.find((t) => t.includes('.trading.order.'))}`)).toBe('denied');
    const assessments = ALL_TOPICS.find((t) => t.includes('.risk.assessment.'))!;
    expect(KAFKA_CLIENTS.filter((c) => actual.get(`${c}|produce|${assessments}`) === 'allowed')).toEqual(['risk']);
    expect(KAFKA_CLIENTS.filter((c) => actual.get(`${c}|produce|${ALL_TOPICS.find((t) => t.includes('.broker.execution.'))}`) === 'allowed')).toEqual(['broker']);
  }, 600_000);

  it("a service cannot read in another service's consumer group, nor without SASL credentials", async () => {
    const price = ALL_TOPICS.find((t) => t.includes('.marketdata.price.'))!;
    // broker may read prices, but only in its own group
    expect(await tryConsume(clientOf.get('broker')!, `${PREFIX}${consumerGroupOf('trading')}`, [price])).toBe('denied');
    expect(await tryConsume(clientOf.get('broker')!, `${PREFIX}${consumerGroupOf('broker')}`, [price])).toBe('allowed');
    const wrong = createKafka({ brokers: server.brokers, clientId: 'acl-wrong', security: { sasl: { mechanism: 'scram-sha-512', username: kafkaUserOf('trading'), password: 'not-the-password' } } });
    await expect(tryProduce(wrong, ALL_TOPICS.find((t) => t.includes('.trading.order.'))!)).rejects.toThrow(/SASL|authentication/i);
  }, 120_000);
});
