import fc from 'fast-check';
import { Dec } from '@alphintra/money';
import { beyond, boundOf, chunks, offered, onTrade, quote, slipped, touch, type Market, type PricedOrder, type StopOrder } from './paper-fill';

const price = fc.integer({ min: 1, max: 2_000_000_000 }).map((n) => new Dec(n).div(10_000));
const side = fc.constantFrom('buy' as const, 'sell' as const);
const bps = fc.integer({ min: 0, max: 10_000 });
const order = fc.record({
  side,
  type: fc.constantFrom('market' as const, 'limit' as const),
  limit: price,
  worst: fc.option(price, { nil: null }),
});
const size = fc.integer({ min: 0, max: 5000 }).map((n) => new Dec(n));
/** A market with the last price alone, or with a book around it (any spread, sizes 0 = unknown). */
const market: fc.Arbitrary<Market> = fc.record({
  last: price,
  book: fc.option(fc.record({ bid: price, bidSize: size, spread: fc.integer({ min: 0, max: 100_000 }), askSize: size }), { nil: null }),
}).map(({ last, book }) => ({ last, book: book && { bid: book.bid, bidSize: book.bidSize, ask: book.bid.plus(new Dec(book.spread).div(10_000)), askSize: book.askSize } }));
const lastOnly = (last: Dec): Market => ({ last, book: null });
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
    expect(quote(o, lastOnly(new Dec(100)), 10)).toEqual({ kind: 'fill', price: new Dec('100.1'), upTo: null });
    expect(quote({ ...o, side: 'sell', limitPrice: '50', worstPrice: '50' }, lastOnly(new Dec(100)), 10)).toEqual({ kind: 'fill', price: new Dec('99.9'), upTo: null });
  });

  it('a limit the market reaches only with slippage fills at its limit; one the last price does not reach rests', () => {
    const o: PricedOrder = { side: 'buy', type: 'limit', limitPrice: '100.05', worstPrice: null };
    expect(quote(o, lastOnly(new Dec(100)), 10)).toEqual({ kind: 'fill', price: new Dec('100.05'), upTo: null });
    expect(quote(o, lastOnly(new Dec('100.06')), 0)).toEqual({ kind: 'rest' });
  });

  it('a limit whose worst price is tighter than its limit is held to the worst price', () => {
    const o: PricedOrder = { side: 'buy', type: 'limit', limitPrice: '120', worstPrice: '110' };
    expect(boundOf(o)).toEqual(new Dec(110));
    expect(quote(o, lastOnly(new Dec(115)), 0)).toEqual({ kind: 'rest' });
    expect(quote(o, lastOnly(new Dec(109)), 500)).toEqual({ kind: 'fill', price: new Dec(110), upTo: null });
  });

  it('a market order beyond its worst price is cancelled with the reason, never filled (defect 5)', () => {
    expect(quote({ side: 'buy', type: 'market', limitPrice: null, worstPrice: '101' }, lastOnly(new Dec(100)), 10_000)).toEqual({
      kind: 'cancel',
      reason: "market price 200 is beyond the order's worst price 101",
    });
    expect(quote({ side: 'sell', type: 'market', limitPrice: null, worstPrice: '99' }, lastOnly(new Dec(100)), 200)).toMatchObject({ kind: 'cancel' });
    expect(quote({ side: 'buy', type: 'market', limitPrice: null, worstPrice: null }, lastOnly(new Dec(100)), 100)).toEqual({ kind: 'fill', price: new Dec(101), upTo: null });
  });

  it('property: no fill is beyond the order\'s limit or worst price', () => {
    fc.assert(
      fc.property(order, market, bps, (o, m, b) => {
        const q = quote(priced(o), m, b);
        const bound = boundOf(priced(o));
        return q.kind !== 'fill' || bound === null || !beyond(o.side, q.price, bound);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: every fill lies between the touch (ask for a buy, bid for a sell, else the last price) and the slipped touch, and a market order either fills at the market or is cancelled', () => {
    fc.assert(
      fc.property(order, market, bps, (o, m, b) => {
        const q = quote(priced(o), m, b);
        const last = touch(m, o.side);
        const market = slipped(last, o.side, b);
        if (o.type === 'market') return q.kind === 'cancel' || (q.kind === 'fill' && q.price.eq(market));
        if (q.kind !== 'fill') return q.kind === 'rest';
        return o.side === 'buy' ? q.price.gte(last) && q.price.lte(market) : q.price.lte(last) && q.price.gte(market);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: a limit rests exactly when the touch has not reached its bound', () => {
    fc.assert(
      fc.property(order, market, bps, (o, m, b) => {
        fc.pre(o.type === 'limit');
        const q = quote(priced(o), m, b);
        const last = touch(m, o.side);
        return (q.kind === 'rest') === beyond(o.side, last, boundOf(priced(o))!);
      }),
    );
  });
});

describe('fills on the top of the book', () => {
  const book = (bid: string, bidSize: string, ask: string, askSize: string, last = '100'): Market => ({
    last: new Dec(last),
    book: { bid: new Dec(bid), bidSize: new Dec(bidSize), ask: new Dec(ask), askSize: new Dec(askSize) },
  });
  const mkt = (side: 'buy' | 'sell'): PricedOrder => ({ side, type: 'market', limitPrice: null, worstPrice: null });

  it('a market buy pays the ask plus slippage, a market sell gets the bid minus it — not the last price', () => {
    const m = book('99.90', '300', '100.10', '200');
    expect(quote(mkt('buy'), m, 10)).toEqual({ kind: 'fill', price: new Dec('100.2001'), upTo: null });
    expect(quote(mkt('sell'), m, 10)).toEqual({ kind: 'fill', price: new Dec('99.8001'), upTo: null });
  });

  it('a buy limit fills when the ask reaches it and a sell limit when the bid does, whatever the last trade', () => {
    const m = book('99.90', '300', '100.10', '200', '99');
    expect(quote({ side: 'buy', type: 'limit', limitPrice: '100', worstPrice: null }, m, 0)).toEqual({ kind: 'rest' });
    expect(quote({ side: 'buy', type: 'limit', limitPrice: '100.10', worstPrice: null }, m, 0)).toEqual({ kind: 'fill', price: new Dec('100.10'), upTo: null });
    expect(quote({ side: 'sell', type: 'limit', limitPrice: '99.95', worstPrice: null }, m, 0)).toEqual({ kind: 'rest' });
    expect(quote({ side: 'sell', type: 'limit', limitPrice: '99.50', worstPrice: null }, m, 5)).toEqual({ kind: 'fill', price: new Dec('99.85005'), upTo: null });
  });

  it('with partial fills by size, one market fills at most the size on the order\'s side; a size of 0 is unknown, not nothing', () => {
    const m = book('99.90', '300', '100.10', '200');
    expect(quote(mkt('buy'), m, 0, true)).toEqual({ kind: 'fill', price: new Dec('100.10'), upTo: new Dec(200) });
    expect(quote(mkt('sell'), m, 0, true)).toEqual({ kind: 'fill', price: new Dec('99.90'), upTo: new Dec(300) });
    expect(offered(book('99.90', '0', '100.10', '0'), 'buy', true)).toBeNull();
    expect(offered(lastOnly(new Dec(100)), 'buy', true)).toBeNull();
    expect(offered(m, 'buy', false)).toBeNull();
  });

  it('property: with a book, a limit fills only on the touch of its side, and never beyond its bound or the slipped touch', () => {
    fc.assert(
      fc.property(order, market, bps, fc.boolean(), (o, m, b, bySize) => {
        const q = quote(priced(o), m, b, bySize);
        if (q.kind !== 'fill') return true;
        const bound = boundOf(priced(o));
        const t = touch(m, o.side);
        const withinSize = q.upTo === null || (bySize && m.book !== null && q.upTo.eq(o.side === 'buy' ? m.book.askSize : m.book.bidSize));
        return withinSize && (bound === null || !beyond(o.side, q.price, bound)) && !beyond(o.side, q.price, slipped(t, o.side, b));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('stops on the last trade', () => {
  const stop = (o: Partial<StopOrder>): StopOrder => ({ side: 'sell', type: 'stop', stopPrice: null, trailPrice: null, trailPercent: null, mark: null, ...o });

  it('a sell stop triggers at or below its stop, a buy stop at or above', () => {
    expect(onTrade(stop({ stopPrice: '95' }), new Dec('95.01')).triggered).toBe(false);
    expect(onTrade(stop({ stopPrice: '95' }), new Dec('95')).triggered).toBe(true);
    expect(onTrade(stop({ side: 'buy', type: 'stop_limit', stopPrice: '105' }), new Dec('104.99')).triggered).toBe(false);
    expect(onTrade(stop({ side: 'buy', type: 'stop_limit', stopPrice: '105' }), new Dec('105')).triggered).toBe(true);
  });

  it('a trailing stop starts its mark at the first trade and trails it by a price or a percentage', () => {
    expect(onTrade(stop({ type: 'trailing_stop', trailPercent: '5' }), new Dec(100))).toEqual({ mark: new Dec(100), trigger: new Dec(95), triggered: false });
    expect(onTrade(stop({ type: 'trailing_stop', trailPercent: '5', mark: '110' }), new Dec('104.5'))).toEqual({ mark: new Dec(110), trigger: new Dec('104.5'), triggered: true });
    expect(onTrade(stop({ side: 'buy', type: 'trailing_stop', trailPrice: '2', mark: '50' }), new Dec(45))).toEqual({ mark: new Dec(45), trigger: new Dec(47), triggered: false });
  });

  it('property: over any run of trades a trailing stop\'s trigger only moves towards the market, and it triggers exactly when a trade reaches it', () => {
    const trades = fc.array(price, { minLength: 1, maxLength: 50 });
    const trail = fc.oneof(
      price.map((p) => ({ trailPrice: p.toFixed(), trailPercent: null })),
      fc.integer({ min: 1, max: 9999 }).map((n) => ({ trailPrice: null, trailPercent: new Dec(n).div(100).toFixed() })),
    );
    fc.assert(
      fc.property(side, trail, trades, (sd, t, ts) => {
        let o = stop({ side: sd, type: 'trailing_stop', ...t });
        let before: Dec | null = null;
        for (const last of ts) {
          const r = onTrade(o, last);
          if (before && (sd === 'sell' ? r.trigger.lt(before) : r.trigger.gt(before))) return false;
          if (r.triggered !== (sd === 'sell' ? last.lte(r.trigger) : last.gte(r.trigger))) return false;
          if (r.triggered) return true;
          before = r.trigger;
          o = { ...o, mark: r.mark!.toFixed() };
        }
        return true;
      }),
      { numRuns: 1000 },
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
