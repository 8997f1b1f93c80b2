import { Module } from '@nestjs/common';
import type { ServiceSpec } from '@alphintra/platform-http';
import { AuthModule } from '@alphintra/platform-auth';
import { entities } from './entities';
import { migrations } from './migrations';
import { ProfilesConsumer } from './profiles/profiles.consumer';
import { ProfilesModule } from './profiles/profiles.module';
import { ReplicasConsumer } from './replicas/replicas.consumer';
import { ReplicasModule } from './replicas/replicas.module';
import { ScreenersModule } from './screeners/screeners.module';
import { WatchlistsModule } from './watchlists/watchlists.module';

export const spec: ServiceSpec = { service: 'user', entities, migrations, consumers: [ProfilesConsumer, ReplicasConsumer] };

@Module({ imports: [AuthModule.fromServiceEnv(), ProfilesModule, WatchlistsModule, ScreenersModule, ReplicasModule] })
export class AppModule {}
