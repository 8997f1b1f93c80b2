import { Injectable } from '@nestjs/common';
import { UserRegistered } from '@alphintra/contracts';
import type { EventHandlerSource } from '@alphintra/platform-http';
import { onEvent } from '@alphintra/platform-messaging';
import { ProfilesService } from './profiles.service';

@Injectable()
export class ProfilesConsumer implements EventHandlerSource {
  constructor(private readonly profiles: ProfilesService) {}

  handlers() {
    return [onEvent(UserRegistered, (e, em) => this.profiles.createFromRegistration(e.data, em))];
  }
}
