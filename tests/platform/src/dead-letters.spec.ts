import { Injectable, Module } from '@nestjs/common';
import { Migration } from '@mikro-orm/migrations';
import { MikroORM } from '@mikro-orm/postgresql';
import { ProbeRecorded } from '@alphintra/contracts';
import { authEnv, AuthModule } from '@alphintra/platform-auth';
import { loadServiceEnv, MessagingLifecycle, type EventHandlerSource, type ServiceSpec } from '@alphintra/platform-http';
import { deadLetterRedrivesMigration, KafkaOffsets, messagingMigration, messagingResilienceMigration, onEvent, OutboxPublisher } from '@alphintra/platform-messaging';
import { startServiceFixture, testKafka, until, type Json, type ServiceFixture } from '@alphintra/testing';

const schema = 'notification_data';

/** The handler under test: fails while `broken` is set, otherwise writes one effect row per call. */
const probe = { broken: false, calls: 0 };

@Injectable()
class ProbeConsumer implements EventHandlerSource {
  handlers() {
    return [
      onEvent(ProbeRecorded, async (e, em) => {
        probe.calls++;
        if (probe.broken) throw new Error(`probe handler broken for ${e.data.key}`);
        await em.execute(`insert into "${schema}"."probe_effect" ("event_id", "key") values (?, ?)`, [e.id, e.data.key]);
      }),
    ];
  }
}

class ProbeEffects extends Migration {
  override async up(): Promise<void> {
    // no key: an event applied twice would show as two rows
    this.addSql(`create table "${schema}"."probe_effect" ("event_id" uuid not null, "key" text not null)`);
  }
}

@Module({ imports: [AuthModule.fromServiceEnv()], providers: [ProbeConsumer] })
class ProbeModule {}

const spec: ServiceSpec = {
  service: 'notification',
  entities: [],
  migrations: [messagingMigration(schema), deadLetterRedrivesMigration(schema), messagingResilienceMigration(schema), { name: 'test_probe_effect', class: ProbeEffects }],
  consumers: [ProbeConsumer],
};
const loadEnv = (source: NodeJS.ProcessEnv) => loadServiceEnv('notification', 3008, authEnv.shape, source);

describe('a service dead letters, lists and redrives, and reports it in /metrics', () => {
  let f: ServiceFixture<ReturnType<typeof loadEnv>>;
  let offsets: KafkaOffsets;
  let topic: string;
  const admin = 'a0000000-0000-4000-8000-000000000001';
  const path = '/api/v1/admin/dead-letters/notification';
  const asAdmin = { as: admin, roles: ['admin' as const] };

  const metric = (name: string, labels?: Record<string, string>) => f.metric(name, labels);
  const effects = async (key: string) => (await f.sql<{ n: number }>(`select count(*)::int as n from "${schema}"."probe_effect" where "key" = ?`, [key]))[0]!.n;
  const published = async () => (await offsets.watermarks(topic)).reduce((n, w) => n + Number(w.high), 0);
  const deadLettered = (n: number) => until(`${n} dead letter(s)`, async () => (await metric('events_consumed_total', { topic, outcome: 'dead_lettered' })) === n);

  beforeAll(async () => {
    f = await startServiceFixture({ spec, module: ProbeModule, loadEnv, tables: ['probe_effect'] });
    topic = f.svc.inst.topicPrefix + ProbeRecorded.topic;
    offsets = new KafkaOffsets(testKafka('dead-letters-test'));
  });
  afterAll(async () => {
    await offsets?.close();
    await f?.close();
  });

  it('lists a failed event with its error, redrives it once after the fix, and never publishes it twice', async () => {
    probe.broken = true;
    const eventId = await f.publish(ProbeRecorded, 'k1', { key: 'poison', seq: 1 });
    await deadLettered(1);
    const id = `${topic}.dlq:0:0`;

    const list = await f.api('GET', path, asAdmin);
    expect(list.status).toBe(200);
    expect(list.body).toEqual({
      items: [
        {
          id,
          topic,
          partition: expect.any(Number),
          offset: expect.stringMatching(/^\d+$/),
          eventId,
          eventType: 'platform.probe.recorded',
          key: 'k1',
          error: 'Error: probe handler broken for poison',
          attempts: 3,
          deadLetteredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          redrivenAt: null,
        },
      ],
      nextCursor: null,
    });
    expect(await metric('kafka_dead_letter_messages', { topic })).toBe(1);

    probe.broken = false;
    const before = await published();
    const first = await f.api('POST', `${path}/redrive`, { ...asAdmin, body: { ids: [id] } });
    expect(first).toMatchObject({ status: 200, body: { redriven: [id], alreadyRedriven: [] } });
    await f.consumed(eventId);
    expect(await effects('poison')).toBe(1);
    expect(await published()).toBe(before + 1);
    const calls = probe.calls;

    const again = await f.api('POST', `${path}/redrive`, { ...asAdmin, body: { ids: [id] } });
    expect(again).toMatchObject({ status: 200, body: { redriven: [], alreadyRedriven: [id] } });
    const all = await f.api('POST', `${path}/redrive`, { ...asAdmin, body: { all: true, topic } });
    expect(all).toMatchObject({ status: 200, body: { redriven: [], alreadyRedriven: [id] } });
    expect(await published()).toBe(before + 1);
    await new Promise((r) => setTimeout(r, 500)); // a second delivery, had there been one, would have reached the handler by now
    expect(probe.calls).toBe(calls);
    expect(await effects('poison')).toBe(1);

    const after = await f.api('GET', `${path}?topic=${encodeURIComponent(topic)}`, asAdmin);
    expect(after.body.items).toEqual([expect.objectContaining({ id, redrivenAt: expect.stringMatching(/^\d{4}-/) })]);
    expect(await metric('events_consumed_total', { topic, outcome: 'handled' })).toBe(1);
  });

  it('refuses other roles and bad input, redriving nothing', async () => {
    const before = await published();
    expect((await f.api('GET', path, { as: admin, roles: ['trader'] })).status).toBe(403);
    const trader = await f.api('POST', `${path}/redrive`, { as: admin, roles: ['trader', 'compliance'], body: { all: true } });
    expect(trader).toMatchObject({ status: 403, contentType: expect.stringMatching(/^application\/problem\+json/), body: { code: 'AUTH.FORBIDDEN' } });
    expect((await f.api('POST', `${path}/redrive`, { body: { all: true } })).status).toBe(401);

    const both = await f.api('POST', `${path}/redrive`, { ...asAdmin, body: { ids: [`${topic}.dlq:0:0`], all: true } });
    expect(both).toMatchObject({ status: 400, body: { errors: [{ path: 'ids' }] } });
    const malformed = await f.api('POST', `${path}/redrive`, { ...asAdmin, body: { ids: ['0:0'] } });
    expect(malformed).toMatchObject({ status: 400, body: { errors: [{ path: 'ids.0' }] } });
    const otherTopic = await f.api('GET', `${path}?topic=alphintra.nowhere.v1`, asAdmin);
    expect(otherTopic).toMatchObject({ status: 422, body: { code: 'DEAD_LETTER.UNKNOWN_TOPIC', errors: [{ path: 'topic' }] } });
    const limit = await f.api('GET', `${path}?limit=0`, asAdmin);
    expect(limit).toMatchObject({ status: 400, body: { errors: [{ path: 'limit' }] } });
    // one id that exists and one that does not: all or nothing
    const missing = await f.api('POST', `${path}/redrive`, { ...asAdmin, body: { ids: [`${topic}.dlq:0:0`, `${topic}.dlq:0:99`] } });
    expect(missing).toMatchObject({ status: 404, body: { code: 'DEAD_LETTER.NOT_FOUND', detail: expect.stringContaining(`${topic}.dlq:0:99`) } });
    expect(await published()).toBe(before);
  });

  it('documents both operations in its OpenAPI document, under its own path', async () => {
    const doc = (await (await fetch(`${f.svc.url}/openapi.json`)).json()) as Json;
    const list = doc.paths[path].get;
    const redrive = doc.paths[`${path}/redrive`].post;
    expect(list.operationId).toBe('NotificationDeadLettersController_list');
    expect(list.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['cursor', 'limit', 'topic']);
    expect(Object.keys(list.responses).sort()).toEqual(['200', '400', '401', '403', '422', '503']);
    expect(Object.keys(redrive.requestBody.content['application/json'].schema.properties).sort()).toEqual(['all', 'ids', 'topic']);
    expect(Object.keys(redrive.responses)).toEqual(expect.arrayContaining(['200', '403', '404']));
  });

  it('redrives all; an event handled meanwhile is absorbed by the inbox', async () => {
    probe.broken = true;
    const eventId = await f.publish(ProbeRecorded, 'k2', { key: 'late', seq: 2 });
    await deadLettered(2);
    probe.broken = false;
    // the producer sends the same event again, and it is handled before anyone redrives the dead letter
    await f.publish(ProbeRecorded, 'k2', { key: 'late', seq: 2 }, { id: eventId });
    await f.consumed(eventId);

    const all = await f.api('POST', `${path}/redrive`, { ...asAdmin, body: { all: true } });
    expect(all).toMatchObject({ status: 200, body: { redriven: [`${topic}.dlq:0:1`], alreadyRedriven: [`${topic}.dlq:0:0`] } });
    await until('the redriven copy to be absorbed', async () => (await metric('events_consumed_total', { topic, outcome: 'duplicate' })) === 1);
    expect(await effects('late')).toBe(1);
    const page = await f.api('GET', `${path}?limit=1`, asAdmin);
    expect(page.body).toMatchObject({ items: [{ id: `${topic}.dlq:0:0` }], nextCursor: `${topic}.dlq:0:0` });
    const next = await f.api('GET', `${path}?limit=1&cursor=${encodeURIComponent(page.body.nextCursor)}`, asAdmin);
    expect(next.body).toMatchObject({ items: [{ id: `${topic}.dlq:0:1`, eventId }], nextCursor: null });
  });

  it('reports the outbox backlog while the relay is stopped and the lag while the consumer is, and both drain', async () => {
    const messaging = f.svc.app.get(MessagingLifecycle);
    const outbox = f.svc.app.get(OutboxPublisher);
    const service = { service: 'notification' };
    expect(await metric('outbox_pending_events', service)).toBe(0);
    expect(await metric('outbox_oldest_pending_age_seconds', service)).toBe(0);

    await messaging.relay!.stop();
    await f.svc.app
      .get(MikroORM)
      .em.fork()
      .transactional((em) => outbox.recordMany(em, ProbeRecorded, [1, 2, 3].map((seq) => ({ subject: 'backlog', data: { key: 'backlog', seq } }))));
    await new Promise((r) => setTimeout(r, 200));
    expect(await metric('outbox_pending_events', service)).toBe(3);
    expect(await metric('outbox_oldest_pending_age_seconds', service)).toBeGreaterThanOrEqual(0.2);

    await messaging.consumer!.stop();
    expect(await metric('kafka_consumer_group_lag', { topic })).toBe(0);
    await messaging.relay!.start();
    await until('the backlog to drain', async () => (await metric('outbox_pending_events', service)) === 0);
    expect(await metric('kafka_consumer_group_lag', { topic })).toBe(3);

    await messaging.consumer!.start();
    await until('the lag to drain', async () => (await metric('kafka_consumer_group_lag', { topic })) === 0);
    expect(await effects('backlog')).toBe(3);
  });
});
