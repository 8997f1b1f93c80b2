import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FilterDefined, InstrumentListed } from '@alphintra/contracts';
import { captureLog, FakeStrategy } from '@alphintra/testing';
import { loadReconcileEnv } from '../env';
import { StrategyUnavailableError } from '@alphintra/strategy-client';
import { startUserService, type UserServiceFixture } from '../testing/user-service.fixture';
import { reconcileReplicas } from './reconcile.command';

const instrument = (symbol: string, name = `${symbol} Corp.`, status = 'listed') => ({ symbol, name, exchange: 'NYSE', sector: null, industry: null, country: 'US', currency: 'USD', status });

describe('replica reconciliation against strategy', () => {
  let f: UserServiceFixture;
  let strategy: FakeStrategy;
  const alice = randomUUID();
  const ids = { keep: randomUUID(), relabel: randomUUID(), drop: randomUUID(), fresh: randomUUID() };
  let watchlistId: string;
  let screenerId: string;
  const env = () => loadReconcileEnv({ ...f.svc.inst.envFor('user'), STRATEGY_URL: strategy.url, STRATEGY_SERVICE_TOKEN: 'service-token' });
  const itemStatus = async () =>
    Object.fromEntries((await f.api('GET', `/api/v1/users/me/watchlists/${watchlistId}`, { as: alice })).body.items.map((i: { symbol: string; status: string }) => [i.symbol, i.status]));

  beforeAll(async () => {
    strategy = await FakeStrategy.start();
    f = await startUserService({ STRATEGY_URL: strategy.url });
    // The replica as events left it ...
    for (const s of ['AAPL', 'MSFT', 'OLD', 'GONE']) await f.consumed(await f.publish(InstrumentListed, s, instrument(s, s === 'AAPL' ? 'Apple' : undefined)));
    for (const [id, kind, key] of [
      [ids.keep, 'numeric', 'market_cap'],
      [ids.relabel, 'categorical', 'sector'],
      [ids.drop, 'numeric', 'pe_ratio'],
    ] as const) {
      await f.consumed(await f.publish(FilterDefined, id, { id, kind, key, label: key }));
    }
    watchlistId = (await f.api('POST', '/api/v1/users/me/watchlists', { as: alice, body: { name: 'Mixed' } })).body.id;
    for (const symbol of ['AAPL', 'OLD']) await f.api('POST', `/api/v1/users/me/watchlists/${watchlistId}/items`, { as: alice, body: { symbol } });
    screenerId = (await f.api('POST', '/api/v1/users/me/screeners', { as: alice, body: { name: 'Value', numeric: [{ filterId: ids.drop, max: '15' }] } })).body.id;

    // ... and what strategy says now: AAPL renamed, NEW missing here, GONE delisted, OLD no longer listed at all;
    // a filter relabelled, one missing here, one no longer defined.
    strategy.instruments = [instrument('AAPL', 'Apple Inc.'), instrument('MSFT'), instrument('NEW'), instrument('GONE', 'GONE Corp.', 'delisted')];
    strategy.filters = {
      numeric: [
        { id: ids.keep, key: 'market_cap', label: 'market_cap' },
        { id: ids.fresh, key: 'volume', label: 'Volume' },
      ],
      categorical: [{ id: ids.relabel, key: 'sector', label: 'Sector (GICS)' }],
    };
  });
  afterAll(async () => {
    await f?.close();
    await strategy?.close();
  });
  beforeEach(() => (strategy.received = []));

  it('heals missing, changed and extra keys through the same policies as the events, and reports what it healed', async () => {
    const report = await reconcileReplicas(env());

    expect(report).toEqual({
      added: { instruments: ['NEW'], filters: [ids.fresh] },
      updated: { instruments: ['AAPL'], filters: [ids.relabel] },
      delisted: ['GONE', 'OLD'],
      retired: [ids.drop],
      dryRun: false,
    });
    const refs = await f.sql<{ symbol: string; name: string; status: string }>(`select "symbol", "name", "status" from "user_data"."instrument_ref" order by "symbol"`);
    expect(refs).toEqual([
      { symbol: 'AAPL', name: 'Apple Inc.', status: 'listed' },
      { symbol: 'GONE', name: 'GONE Corp.', status: 'delisted' },
      { symbol: 'MSFT', name: 'MSFT Corp.', status: 'listed' },
      { symbol: 'NEW', name: 'NEW Corp.', status: 'listed' },
      { symbol: 'OLD', name: 'OLD Corp.', status: 'delisted' },
    ]);
    expect(await itemStatus()).toEqual({ AAPL: 'active', OLD: 'delisted' });
    expect((await f.api('GET', `/api/v1/users/me/screeners/${screenerId}`, { as: alice })).body).toMatchObject({ disabled: true, disabledReason: 'retired filters: pe_ratio' });

    // Every page of instruments was read, with the service's own credential.
    expect(strategy.requestsTo('/api/v1/instruments').map((r) => r.query.get('cursor'))).toEqual([null, '2']);
    expect(strategy.received.every((r) => r.authorization === 'Bearer service-token')).toBe(true);
  });

  it('finds nothing to heal on a second run', async () => {
    expect(await reconcileReplicas(env())).toEqual({ added: { instruments: [], filters: [] }, updated: { instruments: [], filters: [] }, delisted: [], retired: [], dryRun: false });
  });

  it('lets an event newer than the reconciliation win, and ignores an older one', async () => {
    await f.consumed(await f.publish(InstrumentListed, 'OLD', instrument('OLD'), { time: new Date(Date.now() - 60_000) }));
    expect(await itemStatus()).toEqual({ AAPL: 'active', OLD: 'delisted' });
    await f.consumed(await f.publish(InstrumentListed, 'OLD', instrument('OLD')));
    expect(await itemStatus()).toEqual({ AAPL: 'active', OLD: 'active' });
  });

  it('reports drift without healing it in a dry run', async () => {
    const before = await f.snapshot();
    const report = await reconcileReplicas(env(), { dryRun: true });
    expect(report).toMatchObject({ delisted: ['OLD'], dryRun: true });
    expect(await f.snapshot()).toEqual(before);
  });

  it('changes nothing when strategy is unreachable', async () => {
    const before = await f.snapshot();
    strategy.mode = 'down';
    try {
      await expect(reconcileReplicas(env())).rejects.toBeInstanceOf(StrategyUnavailableError);
    } finally {
      strategy.mode = 'up';
    }
    expect(await f.snapshot()).toEqual(before);
  });

  it('runs as `main reconcile`, printing the report as one JSON line', async () => {
    const root = join(__dirname, '../../../..');
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['-r', '@swc-node/register', join(__dirname, '../main.ts'), 'reconcile', '--dry-run'], {
      cwd: root,
      env: { ...process.env, ...f.svc.inst.envFor('user'), STRATEGY_URL: strategy.url, SWC_NODE_PROJECT: join(root, 'tsconfig.json') },
      timeout: 60_000,
    });
    const log = captureLog('user-reconcile');
    log.write(`${stdout}${stderr}`);
    log.close();
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).toMatchObject({ delisted: ['OLD'], dryRun: true });
  });
});
