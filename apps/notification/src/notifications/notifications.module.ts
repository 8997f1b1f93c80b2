import { Module } from '@nestjs/common';
import { NotificationStream } from './notification-stream';
import { NotificationsConsumer } from './notifications.consumer';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';

@Module({ controllers: [NotificationsController], providers: [NotificationsService, NotificationsConsumer, NotificationStream] })
export class NotificationsModule {}
