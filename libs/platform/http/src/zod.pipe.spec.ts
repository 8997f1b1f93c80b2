import { z } from 'zod';
import { ValidationError } from './domain-error';
import { parseOrThrow, unstorableText } from './zod.pipe';

describe('parseOrThrow', () => {
  const schema = z.object({ name: z.string(), spec: z.record(z.string(), z.unknown()) });

  it('refuses text PostgreSQL cannot store, naming where it is, before the schema sees it', () => {
    const value = { name: 'a\u0000b', spec: { ok: ['fine', 'x\uD800'], ['k\uDC00']: 1 } };
    expect(unstorableText(value)).toEqual([
      { path: 'name', message: expect.stringMatching(/NUL/) },
      { path: 'spec.ok.1', message: expect.stringMatching(/surrogate/) },
      { path: 'spec.k\uDC00', message: expect.stringMatching(/key/) },
    ]);
    expect(() => parseOrThrow(schema, value)).toThrow(ValidationError);
  });

  it('lets paired surrogates (emoji) and ordinary text through', () => {
    expect(parseOrThrow(schema, { name: 'rocket \u{1F680} é', spec: { '\u{1F4C8}': 'up' } })).toEqual({ name: 'rocket \u{1F680} é', spec: { '\u{1F4C8}': 'up' } });
  });
});
