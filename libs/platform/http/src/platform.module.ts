import { DynamicModule, Inject, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown, type Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { schemaOf, serviceOrmConfig, type ServiceDatabaseConfig, type ServiceName, type ServiceOrmOptions } from '@alphintra/platform-database';
import { createKafka, EventConsumer, KafkaProbe, OutboxPublisher, OutboxRelay, type EventHandler, type Kafka } from '@alphintra/platform-messaging';
import { HEALTH_CHECKS, HealthController, type HealthCheck } from './health';
import { MetricsController } from './metrics';

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

export interface ServiceRuntimeEnv {
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

/** Starts the outbox relay and the event consumer with the app, stops them before the ORM closes. */
@Injectable()
class MessagingLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  relay?: OutboxRelay;
  consumer?: EventConsumer;

  constructor(
    @Inject(PLATFORM) private readonly p: Platform,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly orm: MikroORM,
    private readonly moduleRef: ModuleRef,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { spec, env } = this.p;
    const schema = schemaOf(spec.service);
    this.relay = new OutboxRelay({ connection: env.database.runtime, schema, kafka: this.kafka, logger: this.logger });
    await this.relay.start();
    const handlers = (spec.consumers ?? []).flatMap((c) => this.moduleRef.get(c, { strict: false }).handlers());
    if (handlers.length) {
      this.consumer = new EventConsumer({
        kafka: this.kafka,
        orm: this.orm,
        schema,
        groupId: `${env.KAFKA_TOPIC_PREFIX}${spec.service}-service`,
        topicPrefix: env.KAFKA_TOPIC_PREFIX,
        handlers,
        logger: this.logger,
      });
      await this.consumer.start();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
    await this.relay?.stop();
  }
}

/** Kafka is ready when the cluster answers a metadata request. */
@Injectable()
export class KafkaHealth implements HealthCheck, OnApplicationShutdown {
  readonly name = 'kafka';
  private readonly probe: KafkaProbe;

  constructor(@Inject(KAFKA) kafka: Kafka) {
    this.probe = new KafkaProbe(kafka);
  }

  check(): Promise<void> {
    return this.probe.check();
  }

  onApplicationShutdown(): Promise<void> {
    return this.probe.close();
  }
}

@Module({})
export class PlatformModule {
  static forService(spec: ServiceSpec, env: ServiceRuntimeEnv, logger: Logger): DynamicModule {
    const kafka = createKafka({ brokers: env.KAFKA_BROKERS, clientId: `${spec.service}-service`, logger });
    return {
      module: PlatformModule,
      global: true,
      imports: [
        MikroOrmModule.forRoot({
          ...serviceOrmConfig({ ...spec, connection: env.database.runtime, log: (m) => logger.debug({ component: 'mikro-orm' }, m) }),
          registerRequestContext: true,
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: PLATFORM, useValue: { spec, env } satisfies Platform },
        { provide: KAFKA, useValue: kafka },
        { provide: LOGGER, useValue: logger },
        { provide: OutboxPublisher, useValue: new OutboxPublisher(spec.service, schemaOf(spec.service), env.KAFKA_TOPIC_PREFIX) },
        MessagingLifecycle,
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
