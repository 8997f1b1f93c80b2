import fc from 'fast-check';
import { Dec } from '@alphintra/money';
import { beyond, boundOf, chunks, quote, slipped, type PricedOrder } from './paper-fill';

const price = fc.integer({ min: 1, max: 2_000_000_000 }).map((n) => new Dec(n).div(10_000));
const side = fc.constantFrom('buy' as const, 'sell' as const);
const bps = fc.integer({ min: 0, max: 10_000 });
const order = fc.record({
  side,
  type: fc.constantFrom('market' as const, 'limit' as const),
  limit: price,
  worst: fc.option(price, { nil: null }),
});
const priced = (o: { side: 'buy' | 'sell'; type: 'market' | 'limit'; limit: Dec; worst: Dec | null }): PricedOrder => ({
  side: o.side,
  type: o.type,
  limitPrice: o.type === 'limit' ? o.limit.toFixed() : null,
  worstPrice: o.worst?.toFixed() ?? null,
});

describe('paper fill prices', () => {
  it('slippage: a buy pays more, a sell gets less, exactly', () => {
    expect(slipped(new Dec('200.40'), 'buy', 25).toFixed()).toBe('200.901');
    expect(slipped(new Dec('200.40'), 'sell', 25).toFixed()).toBe('199.899');
    expect(slipped(new Dec('0.00000003'), 'buy', 1).toFixed()).toBe('0.00000003');
  });

  it('a marketable buy limit fills at the market, not at its limit (defect 4)', () => {
    const o: PricedOrder = { side: 'buy', type: 'limit', limitPrice: '200', worstPrice: '200' };
    expect(quote(o, new Dec(100), 10)).toEqual({ kind: 'fill', price: new Dec('100.1') });
    expect(quote({ ...o, side: 'sell', limitPrice: '50', worstPrice: '50' }, new Dec(100), 10)).toEqual({ kind: 'fill', price: new Dec('99.9') });
  });

  it('a limit the market reaches only with slippage fills at its limit; one the last price does not reach rests', () => {
    const o: PricedOrder = { side: 'buy', type: 'limit', limitPrice: '100.05', worstPrice: null };
    expect(quote(o, new Dec(100), 10)).toEqual({ kind: 'fill', price: new Dec('100.05') });
    expect(quote(o, new Dec('100.06'), 0)).toEqual({ kind: 'rest' });
  });

  it('a limit whose worst price is tighter than its limit is held to the worst price', () => {
    const o: PricedOrder = { side: 'buy', type: 'limit', limitPrice: '120', worstPrice: '110' };
    expect(boundOf(o)).toEqual(new Dec(110));
    expect(quote(o, new Dec(115), 0)).toEqual({ kind: 'rest' });
    expect(quote(o, new Dec(109), 500)).toEqual({ kind: 'fill', price: new Dec(110) });
  });

  it('a market order beyond its worst price is cancelled with the reason, never filled (defect 5)', () => {
    expect(quote({ side: 'buy', type: 'market', limitPrice: null, worstPrice: '101' }, new Dec(100), 10_000)).toEqual({
      kind: 'cancel',
      reason: "market price 200 is beyond the order's worst price 101",
    });
    expect(quote({ side: 'sell', type: 'market', limitPrice: null, worstPrice: '99' }, new Dec(100), 200)).toMatchObject({ kind: 'cancel' });
    expect(quote({ side: 'buy', type: 'market', limitPrice: null, worstPrice: null }, new Dec(100), 100)).toEqual({ kind: 'fill', price: new Dec(101) });
  });

  it('property: no fill is beyond the order\'s limit or worst price', () => {
    fc.assert(
      fc.property(order, price, bps, (o, last, b) => {
        const q = quote(priced(o), last, b);
        const bound = boundOf(priced(o));
        return q.kind !== 'fill' || bound === null || !beyond(o.side, q.price, bound);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: every fill lies between the last price and the market, and a market order either fills at the market or is cancelled', () => {
    fc.assert(
      fc.property(order, price, bps, (o, last, b) => {
        const q = quote(priced(o), last, b);
        const market = slipped(last, o.side, b);
        if (o.type === 'market') return q.kind === 'cancel' || (q.kind === 'fill' && q.price.eq(market));
        if (q.kind !== 'fill') return q.kind === 'rest';
        return o.side === 'buy' ? q.price.gte(last) && q.price.lte(market) : q.price.lte(last) && q.price.gte(market);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: a limit rests exactly when the last price has not reached its bound', () => {
    fc.assert(
      fc.property(order, price, bps, (o, last, b) => {
        fc.pre(o.type === 'limit');
        const q = quote(priced(o), last, b);
        return (q.kind === 'rest') === beyond(o.side, last, boundOf(priced(o))!);
      }),
    );
  });
});

describe('fill chunks', () => {
  it('chunks of the maximum quantity, the last taking the rest once the report budget is spent (defect 3)', () => {
    expect(chunks(new Dec('2500.5'), new Dec(1000), 10).map(String)).toEqual(['1000', '1000', '500.5']);
    expect(chunks(new Dec('1000'), new Dec(1000), 10).map(String)).toEqual(['1000']);
    expect(chunks(new Dec('1000000000000'), new Dec(1000), 10).map(String)).toEqual([...Array(9).fill('1000'), '999999991000']);
    expect(chunks(new Dec('5'), new Dec(1000), 1).map(String)).toEqual(['5']);
  });

  it('property: at most maxReports positive chunks, each but the last at most max, adding up to the quantity', () => {
    const qty = fc.bigInt({ min: 1n, max: 10n ** 20n }).map((n) => new Dec(n.toString()).div(1e8));
    fc.assert(
      fc.property(qty, qty, fc.integer({ min: 1, max: 50 }), (leaves, max, n) => {
        const c = chunks(leaves, max, n);
        return (
          c.length >= 1 &&
          c.length <= n &&
          c.every((q) => q.gt(0)) &&
          c.slice(0, -1).every((q) => q.lte(max)) &&
          c.reduce((a, q) => a.plus(q), new Dec(0)).eq(leaves)
        );
      }),
      { numRuns: 1000 },
    );
  });
});
