import { Module } from '@nestjs/common';
import { KAFKA, LOGGER, PLATFORM } from '@alphintra/platform-http';
import { StreamPublisher, type Kafka, type MessagingLogger } from '@alphintra/platform-messaging';
import type { StrategyEnv } from '../env';
import { IntradayBarsRepository } from './intraday-bars.repository';
import { MarketFeedRepository } from './market-feed.repository';
import { MarketFeedService } from './market-feed.service';
import { MarketController } from './market.controller';
import { QuotesService } from './quotes.service';

const streamPublisher = {
  provide: StreamPublisher,
  inject: [KAFKA, PLATFORM, LOGGER],
  useFactory: (kafka: Kafka, p: { env: StrategyEnv }, logger: MessagingLogger) =>
    new StreamPublisher({ kafka, source: '/alphintra/strategy', topicPrefix: p.env.KAFKA_TOPIC_PREFIX, logger }),
};

@Module({
  controllers: [MarketController],
  providers: [streamPublisher, IntradayBarsRepository, MarketFeedRepository, MarketFeedService, QuotesService],
  exports: [IntradayBarsRepository],
})
export class MarketModule {}
