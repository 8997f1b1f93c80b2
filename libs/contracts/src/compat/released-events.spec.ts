import { z } from 'zod';
import { defineEvent, type EventContract } from '../event-contract';
import { decimalString } from '../schemas';
import { checkEvents, IncompatibleEventsError, releaseEvents, type Finding } from './released-events';

const TOPIC = 'alphintra.demo.order.v1';
const order = (schema: z.ZodType, version = 1, topic = TOPIC): EventContract => defineEvent({ type: 'demo.order.placed', version, topic, schema });

const v1 = z.object({
  orderId: z.uuid(),
  side: z.enum(['buy', 'sell']),
  quantity: decimalString,
  limitPrice: decimalString.nullable(),
  note: z.string().optional(),
  venue: z.object({ id: z.string(), region: z.string() }),
  fills: z.array(z.object({ price: decimalString, at: z.string() })),
});
const released = releaseEvents({}, [order(v1)]);

/** The incompatibilities of `next` against v1 as released, as `type vN path: problem`. */
const problems = (...next: EventContract[]): string[] =>
  checkEvents(released, next)
    .filter((f: Finding) => f.kind === 'incompatible')
    .map((f) => `${f.type} v${f.version} ${f.path}: ${f.problem}`);

describe('event schema compatibility with the released version', () => {
  it('passes the released schema itself, with nothing to report', () => {
    expect(checkEvents(released, [order(v1)])).toEqual([]);
  });

  it('reports a removed field with the event type and path', () => {
    expect(problems(order(v1.omit({ quantity: true })))).toEqual([
      'demo.order.placed v1 $.quantity: required field removed (old consumers reject events without it)',
    ]);
    expect(problems(order(v1.omit({ note: true })))).toEqual([
      'demo.order.placed v1 $.note: field removed (keep it optional and deprecated, or make a new version)',
    ]);
  });

  it('reports a newly required field, new or formerly optional', () => {
    expect(problems(order(v1.extend({ account: z.string() })))).toEqual(['demo.order.placed v1 $.account: new required field (old events lack it)']);
    expect(problems(order(v1.extend({ note: z.string() })))).toEqual(['demo.order.placed v1 $.note: field became required (old events may lack it)']);
  });

  it('reports a changed type, also deep inside objects and arrays', () => {
    expect(problems(order(v1.extend({ quantity: z.number() })))).toEqual(['demo.order.placed v1 $.quantity: type changed from "string" to "number"']);
    const deeper = v1.extend({
      venue: z.object({ id: z.number().int(), region: z.string() }),
      fills: z.array(z.object({ price: decimalString, at: z.boolean() })),
    });
    expect(problems(order(deeper))).toEqual([
      'demo.order.placed v1 $.venue.id: type changed from "string" to "integer"',
      'demo.order.placed v1 $.fills[*].at: type changed from "string" to "boolean"',
    ]);
  });

  it('passes an added optional field, at the top and nested', () => {
    const next = v1.extend({ tag: z.string().optional(), venue: z.object({ id: z.string(), region: z.string(), mic: z.string().nullable().optional() }) });
    expect(problems(order(next))).toEqual([]);
    expect(checkEvents(released, [order(next)])).toEqual([
      { type: 'demo.order.placed', version: 1, kind: 'changed', path: '$', problem: 'compatible change, not released yet' },
    ]);
  });

  it('passes a new version of the type, whatever its shape, and keeps checking the old one', () => {
    const v2 = order(z.object({ orderId: z.uuid(), quantity: z.number() }), 2, 'alphintra.demo.order.v2');
    expect(checkEvents(released, [order(v1), v2])).toEqual([
      { type: 'demo.order.placed', version: 2, kind: 'unreleased', path: '$', problem: 'new event version, not released yet' },
    ]);
    expect(problems(order(v1.omit({ side: true })), v2)).toHaveLength(1);
  });

  it('reports narrowing and widening alike: both sides of the topic must read each other', () => {
    expect(problems(order(v1.extend({ limitPrice: decimalString })))).toEqual([
      'demo.order.placed v1 $.limitPrice: null is no longer accepted (old events may carry it)',
    ]);
    expect(problems(order(v1.extend({ quantity: decimalString.nullable() })))).toEqual([
      'demo.order.placed v1 $.quantity: null is now accepted (old consumers reject it)',
    ]);
    expect(problems(order(v1.extend({ quantity: decimalString.optional() })))).toEqual([
      'demo.order.placed v1 $.quantity: field became optional (old consumers reject events without it)',
    ]);
    expect(problems(order(v1.extend({ quantity: z.string().regex(/^\d+$/) })))).toEqual([
      `demo.order.placed v1 $.quantity: pattern changed from ${JSON.stringify(decimalString.toJSONSchema().pattern)} to "^\\\\d+$"`,
    ]);
    expect(problems(order(v1.extend({ fills: v1.shape.fills.min(1) })))).toEqual(['demo.order.placed v1 $.fills: minItems changed from none to 1']);
  });

  it('reports enum values added or removed, unless the enum is open (any string is accepted too)', () => {
    expect(problems(order(v1.extend({ side: z.enum(['buy', 'sell', 'short']) })))).toEqual([
      'demo.order.placed v1 $.side: enum values added "short" (old consumers reject them)',
    ]);
    expect(problems(order(v1.extend({ side: z.enum(['buy']) })))).toEqual(['demo.order.placed v1 $.side: enum values removed "sell" (old events may carry them)']);

    const open = (values: [string, ...string[]]) => v1.extend({ side: z.enum(values).or(z.string()) });
    const openReleased = releaseEvents({}, [order(open(['buy', 'sell']))]);
    expect(checkEvents(openReleased, [order(open(['buy', 'sell', 'short']))]).filter((f) => f.kind === 'incompatible')).toEqual([]);
  });

  it('reports a change of strictness towards unknown properties, and fields added to a strict object', () => {
    expect(problems(order(v1.extend({ venue: z.strictObject({ id: z.string(), region: z.string() }) })))).toEqual([
      'demo.order.placed v1 $.venue: additionalProperties changed from open to closed',
    ]);
    const strict = releaseEvents({}, [order(z.strictObject({ orderId: z.uuid() }))]);
    expect(checkEvents(strict, [order(z.strictObject({ orderId: z.uuid(), note: z.string().optional() }))]).map((f) => `${f.path}: ${f.problem}`)).toEqual([
      '$.note: field added to an object whose unknown properties old consumers reject',
    ]);
  });

  it('ignores descriptions, and reports a moved topic and a released version gone from the code', () => {
    expect(problems(order(v1.extend({ quantity: decimalString.describe('how many shares') })))).toEqual([]);
    expect(problems(order(v1, 1, 'alphintra.demo.orders.v1'))).toEqual([`demo.order.placed v1 $: topic changed from ${TOPIC} to alphintra.demo.orders.v1`]);
    expect(problems()).toEqual([
      'demo.order.placed v1 $: released version removed from the code (its events may still be in flight; retire it with `release --retire`)',
    ]);
  });

  it('releases compatible changes and new versions, refuses the rest unless retired or forced', () => {
    const next = order(v1.extend({ tag: z.string().optional() }));
    expect(checkEvents(releaseEvents(released, [next]), [next])).toEqual([]);
    expect(() => releaseEvents(released, [order(v1.omit({ side: true }))])).toThrow(IncompatibleEventsError);
    expect(() => releaseEvents(released, [])).toThrow(/released version removed/);
    expect(releaseEvents(released, [], { retire: ['demo.order.placed@1'] })).toEqual({});
    expect(Object.keys(releaseEvents(released, [order(v1.omit({ side: true }))], { force: true })['demo.order.placed'])).toEqual(['1']);
  });
});

describe('schemas with references', () => {
  type Node = { name: string; children: Node[] };
  const tree = (extra: z.ZodRawShape = {}) => {
    const node: z.ZodType<Node> = z.lazy(() => z.object({ name: z.string(), children: z.array(node), ...extra })) as never;
    return order(z.object({ root: node }));
  };

  it('compares recursive schemas and finds a change inside the recursion', () => {
    const released = releaseEvents({}, [tree()]);
    expect(checkEvents(released, [tree()])).toEqual([]);
    expect(checkEvents(released, [tree({ weight: z.number() })]).map((f) => `${f.path}: ${f.problem}`)).toEqual(['$.root.weight: new required field (old events lack it)']);
  });
});
