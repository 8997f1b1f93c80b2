import { DeadlockException, DriverException, UniqueConstraintViolationException } from '@mikro-orm/core';
import { OutboxBackPressureError } from './outbox-backlog';
import { isTransient } from './transient';

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('isTransient', () => {
  it.each(['08006', '08001', '57P01', '57P02', '57P03', '40001', '40P01', '53300', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT'])('%s is transient', (code) => {
    expect(isTransient(withCode(code))).toBe(true);
  });

  it('sees through the ORM and through causes', () => {
    expect(isTransient(new DriverException(withCode('40001')))).toBe(true);
    expect(isTransient(new DeadlockException(new Error('deadlock detected')))).toBe(true);
    expect(isTransient(new Error('handler failed', { cause: withCode('ECONNRESET') }))).toBe(true);
  });

  it("knows node-postgres's wordings and kafkajs's retriable errors", () => {
    expect(isTransient(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransient(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isTransient(Object.assign(new Error('The group is rebalancing'), { name: 'KafkaJSProtocolError', retriable: true }))).toBe(true);
    expect(isTransient(Object.assign(new Error('Connection error'), { name: 'KafkaJSConnectionError' }))).toBe(true);
  });

  it('waits out an outbox over its limits (a consumer retries, never dead-letters)', () => {
    expect(isTransient(new OutboxBackPressureError('over the limits', 5))).toBe(true);
  });

  it('takes everything else for a failure that will recur', () => {
    expect(isTransient(new UniqueConstraintViolationException(withCode('23505', 'duplicate key')))).toBe(false);
    expect(isTransient(withCode('22P02', 'invalid input syntax'))).toBe(false);
    expect(isTransient(withCode('42P01', 'relation does not exist'))).toBe(false);
    expect(isTransient(new Error('ORDER.NOT_FOUND'))).toBe(false);
    expect(isTransient(Object.assign(new Error('Message too large'), { name: 'KafkaJSProtocolError', retriable: false }))).toBe(false);
    expect(isTransient(undefined)).toBe(false);
  });
});
