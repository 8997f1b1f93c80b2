import { Dec } from '@alphintra/money';
import { applyFill, emptyPosition, nextAvgFillPrice, valuation } from './position-math';

const d = (v: string) => new Dec(v);
const plain = (p: { quantity: Dec; avgPrice: Dec; realizedPnl: Dec }) => ({ quantity: p.quantity.toFixed(), avgPrice: p.avgPrice.toFixed(), realizedPnl: p.realizedPnl.toFixed() });

describe('position arithmetic', () => {
  it('weights the average price over buys', () => {
    let p = applyFill(emptyPosition(), 'buy', d('10'), d('100'));
    p = applyFill(p, 'buy', d('30'), d('104'));
    expect(plain(p)).toEqual({ quantity: '40', avgPrice: '103', realizedPnl: '0' });
  });

  it('realizes (price − avg) × qty on sells and keeps the average', () => {
    let p = applyFill(emptyPosition(), 'buy', d('40'), d('103'));
    p = applyFill(p, 'sell', d('15'), d('110.5'));
    expect(plain(p)).toEqual({ quantity: '25', avgPrice: '103', realizedPnl: '112.5' });
    p = applyFill(p, 'sell', d('25'), d('99'));
    expect(plain(p)).toEqual({ quantity: '0', avgPrice: '0', realizedPnl: '12.5' });
  });

  it('is exact with decimals where binary floats are not', () => {
    let p = applyFill(emptyPosition(), 'buy', d('0.1'), d('0.2'));
    p = applyFill(p, 'buy', d('0.2'), d('0.1'));
    expect(plain(p)).toEqual({ quantity: '0.3', avgPrice: expect.stringMatching(/^0\.13333333333/), realizedPnl: '0' });
    let q = applyFill(emptyPosition(), 'buy', d('0.1'), d('0.2'));
    q = applyFill(q, 'buy', d('0.1'), d('0.1'));
    expect(q.avgPrice.toFixed()).toBe('0.15');
    q = applyFill(q, 'sell', d('0.2'), d('0.3'));
    expect(plain(q)).toEqual({ quantity: '0', avgPrice: '0', realizedPnl: '0.03' });
  });

  it('averages an order\'s fill price', () => {
    const a1 = nextAvgFillPrice(d('0'), null, d('4'), d('100'));
    expect(a1.toFixed()).toBe('100');
    expect(nextAvgFillPrice(d('4'), a1, d('6'), d('101')).toFixed()).toBe('100.6');
  });

  it('values a position at the market price', () => {
    const v = valuation({ quantity: d('10'), avgPrice: d('100.6') }, d('102'));
    expect(v.marketValue.toFixed()).toBe('1020');
    expect(v.unrealizedPnl.toFixed()).toBe('14');
  });
});
