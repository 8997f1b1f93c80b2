import websocket from '@fastify/websocket';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { SessionRevocations } from '@alphintra/platform-auth';
import { createKafka, TopicSubscriber } from '@alphintra/platform-messaging';
import type { GatewayEnv } from '../env';
import type { TokenVerifier } from '../routing/authenticate.hook';
import { StreamFeed, STREAM_CONTRACTS } from './stream-feed';
import { StreamSessions } from './stream-sessions';
import { StreamHub } from './stream.hub';
import { markSubscribed } from './stream.metrics';
import { OrderViews } from './trade-updates';
import { UpdateJournal } from './update-journal';

export const STREAM_PATH = '/api/v1/stream';

export interface StreamOptions {
  env: GatewayEnv;
  verifier: TokenVerifier;
  revocations: Pick<SessionRevocations, 'assertActive'>;
  logger: Logger;
}

/** Client messages are small; a larger one closes the socket (1009). */
const MAX_CLIENT_MESSAGE_BYTES = 64 * 1024;

/**
 * `/api/v1/stream` (ADR 0027): quotes, bars, the caller's order updates and account changes over a
 * WebSocket, from Kafka topics every gateway replica reads whole. Kafka that is away at start-up
 * is retried in the background: HTTP routing never waits for the stream.
 */
export async function registerStream(app: NestFastifyApplication, { env, verifier, revocations, logger }: StreamOptions): Promise<void> {
  const s = env.stream;
  const log = logger.child({ component: 'stream' });
  if (!s.kafkaBrokers) {
    log.warn('KAFKA_BROKERS is not set: /api/v1/stream is not served');
    return;
  }
  const hub = new StreamHub({ maxConnectionsPerUser: s.maxConnectionsPerUser, maxSymbolsPerUser: s.maxSymbolsPerUser, maxKnownSymbols: 50_000 });
  const journal = new UpdateJournal({ perUser: s.resumePerUser, total: s.resumeTotal });
  const feed = new StreamFeed(hub, new OrderViews(s.resumeTotal), journal);
  const subscriber = new TopicSubscriber({
    kafka: createKafka({ brokers: s.kafkaBrokers, clientId: 'gateway', logger: log }),
    name: 'gateway-stream',
    contracts: STREAM_CONTRACTS,
    topicPrefix: s.topicPrefix,
    onEvent: feed.onEvent,
    logger: log,
  });
  const sessions = new StreamSessions({
    hub,
    journal,
    verifier,
    revocations,
    logger: log,
    limits: { authTimeoutMs: s.authTimeoutMs, heartbeatMs: s.heartbeatMs, maxBufferedBytes: s.maxBufferedBytes, maxConnections: s.maxConnections, clockSkewMs: env.auth.AUTH_CLOCK_SKEW_SECONDS * 1000 },
  });
  let stopped = false;
  const start = async (attempt = 1): Promise<void> => {
    try {
      await subscriber.start();
      markSubscribed(!stopped);
      log.info({ topics: subscriber.topics }, 'stream subscribed');
    } catch (err) {
      if (stopped) return;
      log.warn({ err, attempt }, 'stream cannot read Kafka yet; trying again');
      await subscriber.stop().catch(() => undefined);
      await new Promise((r) => setTimeout(r, Math.min(1_000 * 2 ** attempt, 30_000)).unref());
      if (!stopped) return start(attempt + 1);
    }
  };
  await app.register(async (instance: FastifyInstance) => {
    await instance.register(websocket, { options: { maxPayload: MAX_CLIENT_MESSAGE_BYTES }, preClose: () => sessions.close() });
    instance.get(STREAM_PATH, { websocket: true }, (socket) => sessions.accept(socket));
    instance.addHook('onClose', async () => {
      stopped = true;
      markSubscribed(false);
      await subscriber.stop();
    });
  });
  void start();
}
