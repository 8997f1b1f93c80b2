import fc from 'fast-check';
import { Dec } from '@alphintra/money';
import { applyLedger, LedgerViolation, noPosition, type LedgerEntry } from './ledger';

const d = (v: string | number) => new Dec(v);
const amount = fc.integer({ min: 0, max: 100_000 }).map((n) => d(n).div(100));
const entry: fc.Arbitrary<LedgerEntry> = fc.oneof(
  amount.map((a) => ({ kind: 'deposit', amount: a }) as const),
  amount.map((a) => ({ kind: 'withdrawal', amount: a }) as const),
  amount.map((a) => ({ kind: 'reserve_cash', amount: a }) as const),
  amount.map((a) => ({ kind: 'release_cash', amount: a }) as const),
  amount.map((q) => ({ kind: 'reserve_shares', quantity: q }) as const),
  amount.map((q) => ({ kind: 'release_shares', quantity: q }) as const),
  fc.tuple(fc.constantFrom('buy', 'sell' as const), amount, amount.filter((p) => p.gt(0))).map(([side, quantity, price]) => ({ kind: 'fill', side, quantity, price }) as const),
);

describe('the account ledger', () => {
  it('never yields a balance that breaks an invariant: it applies all entries or refuses them all', () => {
    fc.assert(
      fc.property(fc.array(fc.array(entry, { maxLength: 4, size: 'max' }), { maxLength: 60, size: 'max' }), (batches) => {
        let account = { cash: d(0), reservedCash: d(0) };
        let position = noPosition();
        let cashFlow = d(0);
        let shares = d(0);
        for (const batch of batches) {
          let r;
          try {
            r = applyLedger(account, position, batch);
          } catch (e) {
            expect(e).toBeInstanceOf(LedgerViolation);
            continue; // refused whole: nothing changed
          }
          ({ account, position } = r);
          expect(account.cash.gte(0) && account.reservedCash.gte(0) && position.quantity.gte(0)).toBe(true);
          expect(position.reservedShares.gte(0) && position.reservedShares.lte(position.quantity)).toBe(true);
          for (const a of r.activities) {
            cashFlow = cashFlow.plus(a.amount);
            shares = shares.plus(a.quantity ?? 0);
            expect(a.cashAfter.gte(0)).toBe(true);
          }
        }
        // every movement is an activity: cash and shares are the sums of what moved
        expect(account.cash.eq(cashFlow)).toBe(true);
        expect(position.quantity.eq(shares)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('records one activity per movement with the balance after it, and none for holds', () => {
    const r = applyLedger({ cash: d(100), reservedCash: d(0) }, noPosition(), [
      { kind: 'deposit', amount: d(50) },
      { kind: 'reserve_cash', amount: d(120) },
      { kind: 'fill', side: 'buy', quantity: d(2), price: d(60) },
      { kind: 'release_cash', amount: d(120) },
    ]);
    expect(r.activities.map((a) => [a.type, a.amount.toFixed(), a.cashAfter.toFixed(), a.quantityAfter?.toFixed() ?? null])).toEqual([
      ['deposit', '50', '150', null],
      ['fill', '-120', '30', '2'],
    ]);
    expect([r.account.cash.toFixed(), r.account.reservedCash.toFixed(), r.position.quantity.toFixed()]).toEqual(['30', '0', '2']);
  });

  it.each<[string, LedgerEntry[], string]>([
    ['a buy beyond the cash', [{ kind: 'fill', side: 'buy', quantity: d(2), price: d(60) }], 'cash_non_negative'],
    ['a sell of shares not held', [{ kind: 'fill', side: 'sell', quantity: d(1), price: d(10) }], 'position_non_negative'],
    ['a release of more than is reserved', [{ kind: 'release_cash', amount: d(1) }], 'reserved_cash_non_negative'],
    ['shares reserved beyond the position', [{ kind: 'reserve_shares', quantity: d(1) }], 'reserved_shares_within_position'],
    ['a withdrawal beyond the cash', [{ kind: 'withdrawal', amount: d(101) }], 'cash_non_negative'],
    ['a negative amount', [{ kind: 'deposit', amount: d(-1) }], 'positive_amount'],
  ])('refuses %s', (_, entries, invariant) => {
    expect(() => applyLedger({ cash: d(100), reservedCash: d(0) }, noPosition(), entries)).toThrow(expect.objectContaining({ invariant }));
  });
});
