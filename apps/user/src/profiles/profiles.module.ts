import { Module } from '@nestjs/common';
import { ProfilesConsumer } from './profiles.consumer';
import { ProfilesController } from './profiles.controller';
import { ProfilesService } from './profiles.service';

@Module({ controllers: [ProfilesController], providers: [ProfilesService, ProfilesConsumer] })
export class ProfilesModule {}
