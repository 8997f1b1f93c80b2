import { Injectable } from '@nestjs/common';
import { WorkflowPublished } from '@alphintra/contracts';
import type { EventHandlerSource } from '@alphintra/platform-http';
import { onEvent } from '@alphintra/platform-messaging';
import { StrategiesService } from './strategies.service';

@Injectable()
export class StrategiesConsumer implements EventHandlerSource {
  constructor(private readonly strategies: StrategiesService) {}

  handlers() {
    return [onEvent(WorkflowPublished, (e, em) => this.strategies.registerWorkflow(e.data, em))];
  }
}
