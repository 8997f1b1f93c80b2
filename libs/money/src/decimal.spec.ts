import { Dec, formatDecimal, InvalidDecimalError, isDecimalString, parseDecimal } from './decimal';

describe('decimal money', () => {
  it('adds without binary-float error', () => {
    expect(formatDecimal(parseDecimal('0.1').plus(parseDecimal('0.2')))).toBe('0.3');
    expect(0.1 + 0.2).not.toBe(0.3);
  });

  it('keeps precision far beyond a double', () => {
    const qty = parseDecimal('123456789012345.12345678');
    expect(formatDecimal(qty.times(3))).toBe('370370367037035.37037034');
  });

  it('rounds half to even at the given scale', () => {
    expect(formatDecimal(new Dec('2.5'), 0)).toBe('2');
    expect(formatDecimal(new Dec('3.5'), 0)).toBe('4');
    expect(formatDecimal(new Dec('1.000000005'), 8)).toBe('1');
  });

  it.each([[12.5], ['1e5'], ['01.5'], ['1.'], [''], ['abc'], [null]])('refuses %p', (v) => {
    expect(() => parseDecimal(v)).toThrow(InvalidDecimalError);
    expect(isDecimalString(v)).toBe(false);
  });
});
