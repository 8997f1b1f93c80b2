import { Injectable } from '@nestjs/common';
import { BacktestCompleted, BacktestFailed } from '@alphintra/contracts';
import type { EventHandlerSource } from '@alphintra/platform-http';
import { onEvent } from '@alphintra/platform-messaging';
import { ExecutionsService } from './executions.service';

@Injectable()
export class ExecutionsConsumer implements EventHandlerSource {
  constructor(private readonly executions: ExecutionsService) {}

  handlers() {
    return [onEvent(BacktestCompleted, (e, em) => this.executions.completed(e.data, em)), onEvent(BacktestFailed, (e, em) => this.executions.failed(e.data, em))];
  }
}
