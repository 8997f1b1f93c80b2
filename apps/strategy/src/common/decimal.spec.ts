import { z } from 'zod';
import { columnDecimal } from './decimal';
import { screenBody } from '../screeners/dto/screen.dto';

const issues = (schema: z.ZodType, value: unknown) => schema.safeParse(value).error?.issues.map((i) => [i.path.join('.'), i.message]);

describe('decimal input', () => {
  it('reports a malformed decimal as invalid instead of throwing from a later check (fuzzing found 500s)', () => {
    for (const v of ['', 'AAA', '1e5', '--1']) {
      expect(() => columnDecimal(10, 4, { min: 'non-negative' }).safeParse(v)).not.toThrow();
      expect(issues(columnDecimal(24, 6, { min: 'positive' }), v)).toContainEqual(['', expect.stringMatching(/decimal string/)]);
    }
    expect(issues(columnDecimal(10, 4, { min: 'non-negative' }), '-1')).toEqual([['', 'must not be negative']]);
  });

  it('checks a screen criterion’s bounds against each other only when both are decimals', () => {
    const criterion = (min: string, max: string) => ({ numeric: [{ filterId: '0190f2a0-0000-7000-8000-000000000000', min, max }] });
    expect(issues(screenBody, criterion('0', 'AAA'))).toEqual([['numeric.0.max', expect.stringMatching(/decimal string/)]]);
    expect(issues(screenBody, criterion('5', '1'))).toEqual([['numeric.0.max', 'must not be below min']]);
  });
});
