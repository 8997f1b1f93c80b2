import { randomBytes, randomUUID } from 'node:crypto';
import { MikroORM } from '@mikro-orm/postgresql';
import { kekRingOf, openCredentials } from '../credentials/envelope';
import { rotateKek } from '../credentials/rotate-kek.command';
import { startBrokerService, type BrokerServiceFixture } from '../testing/broker-service.fixture';

describe('broker connections and settings', () => {
  let f: BrokerServiceFixture;
  const alice = randomUUID();
  const bob = randomUUID();
  const secret = { apiKey: 'PKAB12CD34EF56WXYZ', apiSecret: 'very-secret-value-0001' };
  const leaks = (text: string) => text.includes(secret.apiKey) || text.includes(secret.apiSecret);

  beforeAll(async () => {
    f = await startBrokerService({ BROKER_KEK_ID: 'kek-a', BROKER_DEFAULT_SLIPPAGE_BPS: '7' });
  });
  afterAll(async () => {
    await f?.close();
  });

  it('creates, lists, tests and deletes connections without ever answering credentials', async () => {
    const live = await f.api('POST', '/api/v1/broker/connections', { as: alice, body: { broker: 'alpaca', label: 'My Alpaca', credentials: secret } });
    expect(live.status).toBe(201);
    expect(live.body).toEqual({ id: expect.any(String), broker: 'alpaca', mode: 'live', label: 'My Alpaca', apiKeyLast4: 'WXYZ', createdAt: expect.any(String) });
    expect(leaks(live.text)).toBe(false);
    const paper = await f.api('POST', '/api/v1/broker/connections', { as: alice, body: { broker: 'paper', label: 'Sim' } });
    expect(paper.status).toBe(201);
    expect(paper.body).toMatchObject({ broker: 'paper', mode: 'paper', apiKeyLast4: null });

    const list = await f.api('GET', '/api/v1/broker/connections', { as: alice });
    expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([live.body.id, paper.body.id]);
    expect(leaks(list.text)).toBe(false);

    const t1 = await f.api('POST', `/api/v1/broker/connections/${paper.body.id}/test`, { as: alice });
    expect(t1).toMatchObject({ status: 200, body: { ok: true } });
    const t2 = await f.api('POST', `/api/v1/broker/connections/${live.body.id}/test`, { as: alice });
    expect(t2.status).toBe(200);
    expect(t2.body).toEqual({ ok: false, detail: expect.stringContaining('no live adapter configured') });
    expect(leaks(t2.text)).toBe(false);

    // stored sealed: nothing readable in the row, and it opens only with the service's KEK and ids
    const [row] = await f.sql<Record<string, string>>(`select * from "broker_data"."connection" where "id" = ?`, [live.body.id]);
    expect(leaks(JSON.stringify(row))).toBe(false);
    expect(row!.kek_id).toBe('kek-a');
    const sealed = { ciphertext: row!.credentials_ciphertext!, wrappedKey: row!.wrapped_data_key!, kekId: row!.kek_id! };
    expect(openCredentials(kekRingOf(f.env), live.body.id, alice, sealed)).toEqual(secret);

    expect((await f.api('DELETE', `/api/v1/broker/connections/${paper.body.id}`, { as: alice })).status).toBe(204);
    expect((await f.api('GET', '/api/v1/broker/connections', { as: alice })).body.items).toHaveLength(1);
  });

  it('answers 404 for another user\'s connection', async () => {
    const c = await f.api('POST', '/api/v1/broker/connections', { as: alice, body: { broker: 'paper', label: 'Mine' } });
    expect((await f.api('DELETE', `/api/v1/broker/connections/${c.body.id}`, { as: bob })).status).toBe(404);
    expect((await f.api('POST', `/api/v1/broker/connections/${c.body.id}/test`, { as: bob })).status).toBe(404);
    expect((await f.api('GET', '/api/v1/broker/connections', { as: bob })).body.items).toEqual([]);
    const s = await f.api('PUT', '/api/v1/broker/settings', { as: bob, body: { defaultConnectionId: c.body.id, slippageBps: 1 } });
    expect(s.status).toBe(422);
    expect(s.body.errors).toEqual([expect.objectContaining({ path: 'defaultConnectionId' })]);
  });

  it('refuses bad input with 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ broker: 'nasdaq', label: 'x' }, 'broker'],
      [{ broker: 'paper', label: '' }, 'label'],
      [{ broker: 'alpaca', label: 'x' }, 'credentials'],
      [{ broker: 'alpaca', label: 'x', credentials: { apiKey: 'abcd' } }, 'credentials.apiSecret'],
      [{ broker: 'paper', label: 'x', extra: 1 }, ''],
    ];
    for (const [body, path] of cases) {
      const a = await f.api('POST', '/api/v1/broker/connections', { as: alice, body });
      expect(a.status).toBe(400);
      if (path) expect(a.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    }
    const s = await f.api('PUT', '/api/v1/broker/settings', { as: alice, body: { defaultConnectionId: null, slippageBps: 10_001 } });
    expect(s.status).toBe(400);
    expect(s.body.errors).toEqual([expect.objectContaining({ path: 'slippageBps' })]);
    expect((await f.api('DELETE', '/api/v1/broker/connections/not-a-uuid', { as: alice })).status).toBe(400);
    expect((await f.api('GET', '/api/v1/broker/connections')).status).toBe(401);
  });

  it('answers settings with defaults, replaces them, and forgets a deleted default connection', async () => {
    const carol = randomUUID();
    expect((await f.api('GET', '/api/v1/broker/settings', { as: carol })).body).toEqual({ defaultConnectionId: null, slippageBps: 7 });
    const c = await f.api('POST', '/api/v1/broker/connections', { as: carol, body: { broker: 'paper', label: 'Sim' } });
    const put = await f.api('PUT', '/api/v1/broker/settings', { as: carol, body: { defaultConnectionId: c.body.id, slippageBps: 15 } });
    expect(put).toMatchObject({ status: 200, body: { defaultConnectionId: c.body.id, slippageBps: 15 } });
    expect((await f.api('GET', '/api/v1/broker/settings', { as: carol })).body).toEqual({ defaultConnectionId: c.body.id, slippageBps: 15 });
    await f.api('DELETE', `/api/v1/broker/connections/${c.body.id}`, { as: carol });
    expect((await f.api('GET', '/api/v1/broker/settings', { as: carol })).body).toEqual({ defaultConnectionId: null, slippageBps: 15 });
  });

  it('rotates the KEK: every data key rewrapped, credentials unchanged and readable with the new KEK only', async () => {
    const dave = randomUUID();
    const c = await f.api('POST', '/api/v1/broker/connections', { as: dave, body: { broker: 'ibkr', label: 'IB', credentials: secret } });
    const newKek = randomBytes(32);
    const ring = { current: { id: 'kek-b', key: newKek }, previous: { id: 'kek-a', key: f.env.BROKER_KEK } };
    const em = f.app.get(MikroORM).em.fork();
    const result = await rotateKek(em, ring);
    expect(result.rewrapped).toBeGreaterThanOrEqual(2);
    const rows = await f.sql<{ kek_id: string }>(`select distinct "kek_id" from "broker_data"."connection" where "kek_id" is not null`);
    expect(rows).toEqual([{ kek_id: 'kek-b' }]);
    const [row] = await f.sql<Record<string, string>>(`select * from "broker_data"."connection" where "id" = ?`, [c.body.id]);
    const sealed = { ciphertext: row!.credentials_ciphertext!, wrappedKey: row!.wrapped_data_key!, kekId: row!.kek_id! };
    expect(openCredentials({ current: ring.current }, c.body.id, dave, sealed)).toEqual(secret);
    expect(() => openCredentials({ current: ring.previous }, c.body.id, dave, sealed)).toThrow();
    expect((await rotateKek(em, ring)).rewrapped).toBe(0);

    // The service restarted on the new KEK alone still serves the connection.
    await f.restart({ BROKER_KEK: newKek.toString('base64'), BROKER_KEK_ID: 'kek-b' });
    const t = await f.api('POST', `/api/v1/broker/connections/${c.body.id}/test`, { as: dave });
    expect(t.body).toEqual({ ok: false, detail: expect.stringContaining('no live adapter configured') });
  });
});
