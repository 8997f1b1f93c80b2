import { Module } from '@nestjs/common';
import type { ServiceSpec } from '@alphintra/platform-http';
import { AuthModule } from '@alphintra/platform-auth';
import { DeliveryModule } from './delivery/delivery.module';
import { entities } from './entities';
import { migrations } from './migrations';
import { NotificationsConsumer } from './notifications/notifications.consumer';
import { NotificationsModule } from './notifications/notifications.module';

export const spec: ServiceSpec = { service: 'notification', entities, migrations, consumers: [NotificationsConsumer] };

@Module({ imports: [AuthModule.fromServiceEnv(), NotificationsModule, DeliveryModule] })
export class AppModule {}
