import { screenerBody } from './screener.dto';

describe('screener body', () => {
  const body = (min: string, max: string) => ({ name: 's', numeric: [{ filterId: '0190f2a0-0000-7000-8000-000000000000', min, max }] });
  const issues = (v: unknown) => screenerBody.safeParse(v).error?.issues.map((i) => [i.path.join('.'), i.message]);

  it('reports a malformed bound as invalid instead of throwing while comparing the bounds (fuzzing found a 500)', () => {
    expect(() => screenerBody.safeParse(body('0', ''))).not.toThrow();
    expect(issues(body('0', ''))).toEqual([['numeric.0.max', expect.stringMatching(/decimal string/)]]);
    expect(issues(body('5', '1'))).toEqual([['numeric.0.min', 'must not exceed max']]);
  });
});
