import { produceFailureOf } from './produce-failure';

const protocol = (type: string, retriable: boolean) => Object.assign(new Error(type), { name: 'KafkaJSProtocolError', type, retriable });
const exhausted = (cause: Error) => Object.assign(new Error(cause.message, { cause }), { name: 'KafkaJSNumberOfRetriesExceeded' });

describe('produceFailureOf', () => {
  it('refuses for good what Kafka will never take, seeing through retries', () => {
    expect(produceFailureOf(protocol('MESSAGE_TOO_LARGE', false))).toEqual({ kind: 'refused', topicWide: false });
    expect(produceFailureOf(exhausted(protocol('TOPIC_AUTHORIZATION_FAILED', false)))).toEqual({ kind: 'refused', topicWide: true });
    expect(produceFailureOf(protocol('INVALID_TOPIC_EXCEPTION', false))).toEqual({ kind: 'refused', topicWide: true });
  });

  it('tells an unknown topic apart (refused only after the relay tried it again)', () => {
    expect(produceFailureOf(exhausted(protocol('UNKNOWN_TOPIC_OR_PARTITION', true)))).toEqual({ kind: 'unknown_topic', topicWide: true });
  });

  it('takes a broker that is away or busy, a cluster-wide refusal and anything unknown for transient', () => {
    expect(produceFailureOf(exhausted(Object.assign(new Error('connect ECONNREFUSED'), { name: 'KafkaJSConnectionError' })))).toEqual({ kind: 'transient', topicWide: false });
    expect(produceFailureOf(protocol('NOT_ENOUGH_REPLICAS', true)).kind).toBe('transient');
    expect(produceFailureOf(protocol('CLUSTER_AUTHORIZATION_FAILED', false)).kind).toBe('transient');
    expect(produceFailureOf(new Error('something else')).kind).toBe('transient');
  });
});
