import { DomainError } from '@alphintra/platform-http';

export class ConnectionNotFoundError extends DomainError {
  constructor(id: string) {
    super('BROKER.CONNECTION_NOT_FOUND', 'not_found', `No broker connection ${id}.`);
  }
}

export class UnknownDefaultConnectionError extends DomainError {
  constructor(id: string) {
    super('BROKER.UNKNOWN_CONNECTION', 'unprocessable', `defaultConnectionId ${id} is not one of your broker connections.`, [
      { path: 'defaultConnectionId', message: 'is not one of your broker connections' },
    ]);
  }
}

export class SlippageTooHighError extends DomainError {
  constructor(max: number) {
    super('BROKER.SLIPPAGE_TOO_HIGH', 'unprocessable', `slippageBps may be at most ${max}.`, [{ path: 'slippageBps', message: `must be at most ${max}` }]);
  }
}
