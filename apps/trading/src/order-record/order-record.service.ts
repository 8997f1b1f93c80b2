import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { checkpointSigner, CommitTimeAppender, trustedKeys, type CheckpointSigner } from '@alphintra/platform-database';
import { LOGGER, PLATFORM } from '@alphintra/platform-http';
import type { TradingEnv } from '../env';
import { orderRecordLog, type OrderRecordEntry, type OrderRecordInput } from './order-record';
import { PeriodicTask } from '@alphintra/platform-jobs';

const VERIFY_BATCH = 1000;

/**
 * The verifiable order record (ADR 0033). Every order transition stages its entry in the
 * transaction that persists it; the entries are chained when that transaction commits (the record's
 * lock last, so it serializes only the commits), a checkpoint is signed every N entries in the same
 * transaction, and one every T seconds while entries follow the last.
 */
@Injectable()
export class OrderRecordService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  readonly log: ReturnType<typeof orderRecordLog>;
  readonly signer: CheckpointSigner;
  private readonly appender: CommitTimeAppender<OrderRecordInput, OrderRecordEntry>;
  private readonly keys: ReturnType<typeof trustedKeys>;
  private task?: PeriodicTask;

  constructor(
    private readonly em: EntityManager,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PLATFORM) private readonly platform: { env: TradingEnv },
  ) {
    const env = platform.env;
    this.log = orderRecordLog(env.TRADING_ORDER_RECORD_CHECKPOINT_ENTRIES);
    this.signer = checkpointSigner(env.TRADING_ORDER_RECORD_SIGNING_KEY);
    this.keys = trustedKeys([this.signer.publicKey, ...(env.TRADING_ORDER_RECORD_PREVIOUS_PUBLIC_KEYS ?? [])]);
    this.appender = new CommitTimeAppender(this.log, { signer: this.signer });
  }

  onModuleInit(): void {
    this.appender.register(this.em);
  }

  onApplicationBootstrap(): void {
    const everyMs = this.platform.env.TRADING_ORDER_RECORD_CHECKPOINT_SECONDS * 1000;
    this.task = new PeriodicTask({ name: 'order record checkpoint', everyMs, logger: this.logger, run: () => this.checkpoint() });
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }

  /** Records a transition when the transaction of `em` (the one persisting it) commits. */
  record(em: EntityManager, entry: OrderRecordInput): void {
    this.appender.stage(em, entry);
  }

  /** Signs a checkpoint of the head if entries followed the last one. */
  checkpoint(at = new Date()) {
    return this.log.checkpoint(this.em.fork(), this.signer, at);
  }

  /** Recomputes the record from its first entry, streaming entries and checkpoints. */
  async verify() {
    const v = await this.log.verify(this.em.fork(), { keys: this.keys, batch: VERIFY_BATCH });
    return {
      ...v,
      lastCheckpoint: v.lastCheckpoint && { ...v.lastCheckpoint, at: v.lastCheckpoint.at.toISOString() },
      publicKey: this.publicKey(),
    };
  }

  publicKey() {
    return { algorithm: 'Ed25519' as const, keyId: this.signer.keyId, publicKey: this.signer.publicKey };
  }
}
