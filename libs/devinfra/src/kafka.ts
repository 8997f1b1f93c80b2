import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, repoRoot, stateDir } from './paths';
import { portOpen, PrerequisiteError, run, waitForPort, which } from './process';

export interface KafkaServer {
  brokers: string[];
  stop(): Promise<void>;
  /** Restarts the broker process with the same data (fault tests). */
  restart(): Promise<void>;
}

export interface LocalKafkaOptions {
  name: string;
  port: number;
  heapMb?: number;
  /** Start from empty data (test runs), so topics of earlier runs do not pile up. */
  fresh?: boolean;
  /**
   * SASL/SCRAM with ACLs (ADR 0028) instead of the default PLAINTEXT listener without identities:
   * the client listener is SASL_PLAINTEXT (SCRAM-SHA-512 and -256), the StandardAuthorizer
   * denies whatever no ACL allows, and `admin` is a super user whose SCRAM credential is written
   * into the metadata when the storage is formatted. The controller listener stays PLAINTEXT on
   * loopback; its principal (ANONYMOUS) is a super user too, as KRaft needs.
   */
  sasl?: { admin: { username: string; password: string } };
  /** How long to wait for the listener (default 60 s). */
  startTimeoutMs?: number;
}

/** Characters a JAAS quoted value and a `--add-scram` argument take as they are. */
const PLAIN_SECRET = /^[A-Za-z0-9._~+/-]+$/;

function saslProperties(o: LocalKafkaOptions, controllerPort: number): string[] {
  const { username, password } = o.sasl!.admin;
  if (!PLAIN_SECRET.test(username) || !PLAIN_SECRET.test(password)) throw new Error('the SASL admin name and password may use only A-Z a-z 0-9 . _ ~ + / -');
  const scram = 'org.apache.kafka.common.security.scram.ScramLoginModule required';
  return [
    `listeners=SASL_PLAINTEXT://127.0.0.1:${o.port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=SASL_PLAINTEXT://127.0.0.1:${o.port}`,
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT',
    'inter.broker.listener.name=SASL_PLAINTEXT',
    'sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256',
    'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512',
    `listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=${scram} username="${username}" password="${password}";`,
    `listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=${scram};`,
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'allow.everyone.if.no.acl.found=false',
    `super.users=User:${username};User:ANONYMOUS`,
  ];
}

export const KAFKA_VERSION = /<kafka\.version>([^<]+)</.exec(readFileSync(join(repoRoot(), 'tools', 'kafka', 'pom.xml'), 'utf8'))![1];

/** Resolves Kafka's jars from Maven Central into the cache (once). */
export function ensureKafkaJars(): string {
  const libs = join(cacheDir(), `kafka-${KAFKA_VERSION}`, 'libs');
  if (existsSync(libs) && readdirSync(libs).some((f) => f.startsWith('kafka_2.13-'))) return libs;
  if (!which('java')) throw new PrerequisiteError('Java 17+ is required to run the local Kafka broker (java not on PATH)');
  const mvn = which('mvn');
  if (!mvn) throw new PrerequisiteError('Maven (mvn) is required to fetch the Kafka jars from Maven Central');
  run(mvn, ['-q', '-B', '-f', join(repoRoot(), 'tools', 'kafka', 'pom.xml'), 'dependency:copy-dependencies',
    `-DoutputDirectory=${libs}`, `-Dmaven.repo.local=${join(cacheDir(), 'm2')}`], { stdio: 'pipe' });
  return libs;
}

function javaMajor(): number {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const m = /version "(\d+)/.exec(`${r.stderr}${r.stdout}`);
  return m ? Number(m[1]) : 0;
}

export async function startLocalKafka(o: LocalKafkaOptions): Promise<KafkaServer> {
  const libs = ensureKafkaJars();
  if (javaMajor() < 17) throw new PrerequisiteError('Kafka needs Java 17+');
  const dir = stateDir('kafka', o.name);
  const dataDir = join(dir, 'data');
  const controllerPort = o.port + 1;
  const props = join(dir, 'server.properties');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    props,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      ...(o.sasl
        ? saslProperties(o, controllerPort)
        : [
            `listeners=PLAINTEXT://127.0.0.1:${o.port},CONTROLLER://127.0.0.1:${controllerPort}`,
            `advertised.listeners=PLAINTEXT://127.0.0.1:${o.port}`,
            'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
          ]),
      'controller.listener.names=CONTROLLER',
      `log.dirs=${dataDir}`,
      'num.partitions=3',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=10',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'auto.create.topics.enable=false',
      'group.initial.rebalance.delay.ms=0',
      'log.flush.interval.ms=1000',
    ].join('\n'),
  );
  const cp = `${libs}/*`;
  const log4j = join(dir, 'log4j.properties');
  writeFileSync(log4j, 'log4j.rootLogger=WARN, stdout\nlog4j.appender.stdout=org.apache.log4j.ConsoleAppender\nlog4j.appender.stdout.layout=org.apache.log4j.PatternLayout\nlog4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n\n');
  const format = () => {
    const id = run('java', ['-cp', cp, 'kafka.tools.StorageTool', 'random-uuid'], { stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').pop()!;
    const scram = o.sasl ? ['--add-scram', `SCRAM-SHA-512=[name=${o.sasl.admin.username},password=${o.sasl.admin.password}]`] : [];
    run('java', ['-cp', cp, `-Dlog4j.configuration=file:${log4j}`, 'kafka.tools.StorageTool', 'format', '-t', id, '-c', props, ...scram], { stdio: 'pipe' });
  };
  const pidFile = join(dir, 'kafka.pid');
  const launch = async () => {
    if (await portOpen(o.port)) throw new Error(`port ${o.port} is already in use; is another Kafka running? (pid file ${pidFile})`);
    const logFd = openSync(join(dir, 'kafka.log'), 'a');
    const child = spawn(
      'java',
      [`-Xmx${o.heapMb ?? 512}m`, `-Xms${Math.min(256, o.heapMb ?? 512)}m`, '-XX:+UseG1GC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true',
        `-Dlog4j.configuration=file:${log4j}`, '-cp', cp, 'kafka.Kafka', props],
      { detached: true, stdio: ['ignore', logFd, logFd] },
    );
    closeSync(logFd);
    child.unref();
    writeFileSync(pidFile, String(child.pid));
    await waitForPort(o.port, o.startTimeoutMs ?? 60_000, `Kafka (log ${join(dir, 'kafka.log')})`);
  };
  const stop = async () => {
    if (!existsSync(pidFile)) return;
    const pid = Number(readFileSync(pidFile, 'utf8'));
    rmSync(pidFile);
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      return;
    }
    for (let i = 0; i < 150; i++) {
      try {
        process.kill(pid, 0);
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    process.kill(pid, 'SIGKILL');
  };
  await stop(); // a broker left over from an interrupted run
  if (o.fresh) rmSync(dataDir, { recursive: true, force: true });
  if (!existsSync(join(dataDir, 'meta.properties'))) format();
  await launch();
  return { brokers: [`127.0.0.1:${o.port}`], stop, restart: async () => (await stop(), await launch()) };
}
