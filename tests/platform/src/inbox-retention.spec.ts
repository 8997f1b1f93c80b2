import { randomUUID } from 'node:crypto';
import { OutboxRelay, silentLogger } from '@alphintra/platform-messaging';
import { testKafka } from '@alphintra/testing';
import { messagingFixture, until, type MessagingFixture } from './fixtures';

describe('inbox retention', () => {
  let f: MessagingFixture;
  let relay: OutboxRelay | undefined;

  beforeAll(async () => {
    f = await messagingFixture('risk');
  });
  afterAll(async () => {
    await relay?.stop();
    await f?.close();
  });

  it('the relay purges inbox rows older than the retention and keeps the rest', async () => {
    const ids = { old: [randomUUID(), randomUUID()], recent: [randomUUID()] };
    const insert = (id: string, age: string) =>
      f.orm.em.fork().execute(`insert into "${f.schema}"."inbox" ("event_id", "consumer", "event_type", "received_at") values (?, 'g', 'x', now() - ?::interval)`, [id, age], 'run');
    for (const id of ids.old) await insert(id, '15 days');
    for (const id of ids.recent) await insert(id, '13 days');
    const left = async () => (await f.orm.em.fork().execute<{ event_id: string }[]>(`select "event_id" from "${f.schema}"."inbox" order by "received_at"`)).map((r) => r.event_id);

    relay = new OutboxRelay({ connection: f.runtime, schema: f.schema, kafka: testKafka('inbox-retention-test'), logger: silentLogger });
    await relay.start();
    await until('the old inbox rows to be purged', async () => (await left()).length === 1, 30_000);
    expect(await left()).toEqual(ids.recent);
  });
});
