import { ValidationError } from '@alphintra/platform-http';
import { readBars } from './bar-rows';

const today = new Date('2024-06-14T12:00:00Z');
const csv = (...lines: string[]) => ['date,open,high,low,close,volume', ...lines].join('\n');

describe('reading bars', () => {
  it('reads a CSV file with CRLF line ends, a BOM, spaces and blank lines', () => {
    const { bars, errors } = readBars(`\uFEFF${csv('2024-06-12, 10.5,11,10,10.75,1200', '', '2024-06-13,10.75,11.25,10.5,11,900')}\r\n`, 'text/csv; charset=utf-8', today);
    expect(errors).toEqual([]);
    expect(bars).toEqual([
      { date: '2024-06-12', open: '10.5', high: '11', low: '10', close: '10.75', volume: '1200' },
      { date: '2024-06-13', open: '10.75', high: '11.25', low: '10.5', close: '11', volume: '900' },
    ]);
  });

  it('names every bad field of every bad row by its line, in file order', () => {
    const { bars, errors } = readBars(
      csv(
        '2024-06-10,10,11,9,10.5,100',
        '2024-02-30,10,11,9,10.5,100',
        '2024-06-11,abc,11,9,-1,1.5',
        '2024-06-12,10,9.5,9,10.5,100',
        '2024-06-13,10,11,9',
        '2024-06-10,10,11,9,10.5,100',
        '2024-06-20,10,11,9,10.5,100',
        '2024-06-14,10.1234567,11,10.5,10.5,100',
      ),
      'text/csv',
      today,
    );
    expect(bars).toHaveLength(1);
    expect(errors.map((e) => e.path)).toEqual([
      'line 3.date',
      'line 4.open',
      'line 4.close',
      'line 4.volume',
      'line 5.high',
      'line 6',
      'line 7.date',
      'line 8.date',
      'line 9.open',
    ]);
    expect(errors.find((e) => e.path === 'line 7.date')!.message).toBe('repeats the date of line 2');
    expect(errors.find((e) => e.path === 'line 8.date')!.message).toBe('is in the future');
  });

  it('reads a JSON array, naming rows by index; prices must be decimal strings', () => {
    const { bars, errors } = readBars(
      [
        { date: '2024-06-12', open: '1', high: '2', low: '1', close: '2', volume: 5 },
        { date: '2024-06-13', open: 1, high: '2', low: '1', close: '2', volume: '5', extra: 1 },
        'nope',
      ],
      'application/json',
      today,
    );
    expect(bars).toHaveLength(1);
    expect(errors.map((e) => e.path)).toEqual(['1.open', '1.extra', '2']);
  });

  it.each([
    ['a wrong header', 'date;open;high;low;close;volume\n2024-01-02;1;1;1;1;1', 'text/csv'],
    ['an empty file', 'date,open,high,low,close,volume\n', 'text/csv'],
    ['a JSON object', { date: '2024-01-02' }, 'application/json'],
    ['an empty array', [], 'application/json'],
  ])('refuses %s as malformed (400)', (_, body, type) => {
    expect(() => readBars(body, type, today)).toThrow(ValidationError);
  });
});
