import { connect } from 'node:net';
import { DynamicModule, Inject, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown, type Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { schemaOf, serviceOrmConfig, type ServiceDatabaseConfig, type ServiceName, type ServiceOrmOptions } from '@alphintra/platform-database';
import {
  consumerGroupOf,
  createKafka,
  DeadLetters,
  EventConsumer,
  KafkaOffsets,
  KafkaProbe,
  OutboxBacklog,
  OutboxPublisher,
  OutboxRelay,
  type EventHandler,
  type Kafka,
} from '@alphintra/platform-messaging';
import { deadLettersController } from './dead-letters.controller';
import { HEALTH_CHECKS, HealthController, type HealthCheck } from './health';
import type { MessagingEnv } from './messaging-env';
import { MetricsController } from './metrics';
import { backPressureCounter, consumerObserver, registerKafkaProbe, registerMetricsSource, relayObserver, serviceMetricsSource, type MetricsSource } from './platform-metrics';

/** A feature's Kafka entry point: a provider that lists the events it handles. */
export interface EventHandlerSource {
  handlers(): EventHandler[];
}

export interface ServiceSpec {
  service: ServiceName;
  entities: ServiceOrmOptions['entities'];
  migrations: ServiceOrmOptions['migrations'];
  consumers?: Type<EventHandlerSource>[];
}

export interface ServiceRuntimeEnv extends MessagingEnv {
  database: ServiceDatabaseConfig;
  KAFKA_BROKERS: string[];
  KAFKA_TOPIC_PREFIX: string;
  LOG_LEVEL: string;
}

export const PLATFORM = Symbol('PLATFORM');
export const KAFKA = Symbol('KAFKA');
export const LOGGER = Symbol('LOGGER');

interface Platform {
  spec: ServiceSpec;
  env: ServiceRuntimeEnv;
}

/**
 * Starts the outbox relay and the event consumer with the app, stops them before the ORM closes;
 * reports their metrics and holds the consumer group's dead letters.
 */
@Injectable()
export class MessagingLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  relay?: OutboxRelay;
  consumer?: EventConsumer;
  readonly deadLetters: DeadLetters;
  private readonly offsets: KafkaOffsets;
  private readonly metrics: MetricsSource;
  private unregisterMetrics?: () => void;

  constructor(
    @Inject(PLATFORM) private readonly p: Platform,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly orm: MikroORM,
    private readonly moduleRef: ModuleRef,
    private readonly backlog: OutboxBacklog,
  ) {
    const schema = schemaOf(p.spec.service);
    const groupId = consumerGroupOf(p.spec.service, p.env.KAFKA_TOPIC_PREFIX);
    const topics = () => this.consumer?.topics ?? [];
    this.offsets = new KafkaOffsets(kafka);
    this.deadLetters = new DeadLetters({ kafka, orm, schema, groupId, topics, logger });
    this.metrics = serviceMetricsSource({ service: p.spec.service, schema, groupId, orm, offsets: this.offsets, topics });
  }

  async onApplicationBootstrap(): Promise<void> {
    const { spec, env } = this.p;
    this.unregisterMetrics = registerMetricsSource(this.metrics);
    const schema = schemaOf(spec.service);
    this.relay = new OutboxRelay({
      connection: env.database.runtime,
      schema,
      kafka: this.kafka,
      logger: this.logger,
      inboxRetentionMs: env.MESSAGING_INBOX_RETENTION_DAYS * 86_400_000,
      backlog: this.backlog,
      observer: relayObserver(spec.service),
    });
    const handlers = (spec.consumers ?? []).flatMap((c) => this.moduleRef.get(c, { strict: false }).handlers());
    if (handlers.length) {
      this.consumer = new EventConsumer({
        kafka: this.kafka,
        orm: this.orm,
        schema,
        groupId: consumerGroupOf(spec.service, env.KAFKA_TOPIC_PREFIX),
        topicPrefix: env.KAFKA_TOPIC_PREFIX,
        handlers,
        logger: this.logger,
        maxAttempts: env.CONSUMER_MAX_ATTEMPTS,
        observer: consumerObserver(consumerGroupOf(spec.service, env.KAFKA_TOPIC_PREFIX)),
      });
    }
    try {
      await this.startMessaging();
    } catch (err) {
      // Kafka away at start (restarting, say): the service starts anyway and serves what its
      // database holds (readiness is the database's); the outbox keeps what it writes, and the
      // relay and consumer start as soon as Kafka answers.
      this.logger.warn({ err }, 'Kafka unavailable at start: relay and consumer start when it answers');
      this.retrying = this.retryMessaging();
    }
  }

  private relayStarted = false;
  private consumerStarted = false;
  private stopping = false;
  private retrying?: Promise<void>;
  private wakeRetry?: () => void;

  /** Starts what has not started yet; a part that failed is stopped again, so a retry begins clean. */
  private async startMessaging(): Promise<void> {
    if (!this.relayStarted) {
      try {
        await this.relay!.start();
      } catch (e) {
        await this.relay!.stop().catch(() => undefined);
        throw e;
      }
      this.relayStarted = true;
    }
    if (this.consumer && !this.consumerStarted) {
      try {
        await this.consumer.start();
      } catch (e) {
        await this.consumer.stop().catch(() => undefined);
        throw e;
      }
      this.consumerStarted = true;
    }
  }

  /** Tries again every 1 s, doubling to 10 s, until messaging starts or the app stops. */
  private async retryMessaging(): Promise<void> {
    for (let wait = 1000; !this.stopping; wait = Math.min(wait * 2, 10_000)) {
      await new Promise<void>((r) => {
        const t = setTimeout(r, wait);
        this.wakeRetry = () => (clearTimeout(t), r());
      });
      if (this.stopping) return;
      try {
        await this.startMessaging();
        this.logger.info('Kafka answers: relay and consumer started');
        return;
      } catch (err) {
        this.logger.warn({ err, retryInMs: Math.min(wait * 2, 10_000) }, 'Kafka still unavailable');
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wakeRetry?.();
    await this.retrying;
    this.unregisterMetrics?.();
    await this.consumer?.stop();
    await this.relay?.stop();
    await this.deadLetters.close();
    await this.offsets.close();
  }
}

/**
 * Whether the cluster answers a metadata request: reported in /health/ready and as `kafka_up`, but
 * not required for readiness. With Kafka away a pod still serves what its database holds; the
 * outbox keeps what it writes until the relay can publish. One probe at a time; a cluster that
 * refuses connections is reported down at once, without the client's retries (about 100 s).
 */
@Injectable()
export class KafkaHealth implements HealthCheck, OnApplicationBootstrap, OnApplicationShutdown {
  readonly name = 'kafka';
  readonly required = false;
  private readonly probe: KafkaProbe;
  private running?: Promise<void>;
  private unregister?: () => void;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(PLATFORM) private readonly p: Platform,
  ) {
    this.probe = new KafkaProbe(kafka);
  }

  check(): Promise<void> {
    this.running ??= anyListening(this.p.env.KAFKA_BROKERS)
      .then(() => this.probe.check())
      .finally(() => (this.running = undefined));
    return this.running;
  }

  onApplicationBootstrap(): void {
    this.unregister = registerKafkaProbe(this.p.spec.service, () => this.check());
  }

  async onApplicationShutdown(): Promise<void> {
    this.unregister?.();
    await this.probe.close();
  }
}

/** Resolves once one of the `host:port`s accepts a TCP connection; rejects when none does within a second. */
function anyListening(addresses: string[]): Promise<void> {
  const one = (address: string) =>
    new Promise<void>((resolve, reject) => {
      const i = address.lastIndexOf(':');
      const socket = connect({ host: address.slice(0, i), port: Number(address.slice(i + 1)), timeout: 1000 });
      socket.once('connect', () => (socket.destroy(), resolve()));
      socket.once('timeout', () => (socket.destroy(), reject(new Error(`${address}: no answer within 1 s`))));
      socket.once('error', (e) => (socket.destroy(), reject(new Error(`${address}: ${e.message}`))));
    });
  return Promise.any(addresses.map(one)).catch((e: AggregateError) => Promise.reject(new Error(e.errors.map((x: Error) => x.message).join('; '))));
}

@Module({})
export class PlatformModule {
  static forService(spec: ServiceSpec, env: ServiceRuntimeEnv, logger: Logger): DynamicModule {
    const kafka = createKafka({ brokers: env.KAFKA_BROKERS, clientId: `${spec.service}-service`, logger });
    const schema = schemaOf(spec.service);
    const limits = { maxPending: env.OUTBOX_MAX_PENDING, maxAgeSeconds: env.OUTBOX_MAX_AGE_SECONDS };
    const backlog = new OutboxBacklog(schema, limits, backPressureCounter(spec.service));
    return {
      module: PlatformModule,
      global: true,
      imports: [
        MikroOrmModule.forRoot({
          ...serviceOrmConfig({
            ...spec,
            connection: env.database.runtime,
            acquireTimeoutMs: env.database.acquireTimeoutMs,
            log: (m) => logger.debug({ component: 'mikro-orm' }, m),
          }),
          registerRequestContext: true,
        }),
      ],
      controllers: [HealthController, MetricsController, deadLettersController(spec.service)],
      providers: [
        { provide: PLATFORM, useValue: { spec, env } satisfies Platform },
        { provide: KAFKA, useValue: kafka },
        { provide: LOGGER, useValue: logger },
        { provide: OutboxBacklog, useValue: backlog },
        { provide: OutboxPublisher, useValue: new OutboxPublisher(spec.service, schema, env.KAFKA_TOPIC_PREFIX, backlog) },
        MessagingLifecycle,
        { provide: DeadLetters, inject: [MessagingLifecycle], useFactory: (m: MessagingLifecycle) => m.deadLetters },
        KafkaHealth,
        {
          provide: HEALTH_CHECKS,
          inject: [MikroORM, KafkaHealth],
          useFactory: (orm: MikroORM, kafkaHealth: KafkaHealth): HealthCheck[] => [
            { name: 'database', check: async () => void (await orm.em.fork().execute('select 1')) },
            kafkaHealth,
          ],
        },
      ],
      exports: [OutboxPublisher, KAFKA, LOGGER, PLATFORM],
    };
  }
}
