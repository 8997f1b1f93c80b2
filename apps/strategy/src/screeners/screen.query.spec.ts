import { screenSql } from './screen.query';

describe('screen SQL', () => {
  it('is one statement whose values are all bind parameters cast to the column type', () => {
    const { sql, params } = screenSql(
      [
        { column: 'market_cap', min: '1000', max: "1' or '1'='1" },
        { column: 'volume', min: '5' },
        { column: 'pe_ratio' },
      ],
      [{ column: 'sector', values: ['Technology', "x'); drop table stock; --"] }],
      25,
    );
    expect(sql).toContain(`"market_cap" >= $1::numeric and "market_cap" <= $2::numeric and "volume" >= $3::bigint and "pe_ratio" is not null`);
    expect(sql).toContain(`"sector" = any($4::text[])`);
    expect(sql).toMatch(/limit \$5::int$/);
    expect(sql).not.toContain('drop table');
    expect(sql).not.toContain("'1'='1");
    expect(params).toEqual(['1000', "1' or '1'='1", '5', ['Technology', "x'); drop table stock; --"], 25]);
  });

  it('refuses columns that no filter may name', () => {
    expect(() => screenSql([{ column: 'symbol" or 1=1 --', min: '1' }], [], 10)).toThrow(/not screenable/);
    expect(() => screenSql([], [{ column: 'name', values: ['x'] }], 10)).toThrow(/not screenable/);
  });
});
