import { MAX_RULE_DEPTH, MAX_RULE_NODES, parseStrategySpec, type Rule } from './spec';

const leaf: Rule = { compare: { left: { price: 'close' }, op: '>', right: { value: 1 } } };
/** A rule of exactly `n` nodes: an `all` of `any`s of up to 19 leaves each. */
const ruleOf = (n: number): Rule => {
  const groups: Rule[] = [];
  for (let left = n - 1; left > 0; ) {
    const leaves = Math.min(19, left - 1);
    groups.push(leaves === 0 ? leaf : { any: Array.from({ length: leaves }, () => leaf) });
    left -= leaves + 1;
  }
  return { all: groups };
};
const specOf = (entry: Rule, exit: Rule) => ({ indicators: [], entry, exit, sizing: { kind: 'fixed_quantity', quantity: '1' } });
const nest = (depth: number): Rule => (depth === 1 ? leaf : { all: [nest(depth - 1)] });

describe('rule tree limits', () => {
  it(`accepts ${MAX_RULE_NODES} nodes over entry and exit and ${MAX_RULE_DEPTH} levels`, () => {
    expect(parseStrategySpec(specOf(ruleOf(MAX_RULE_NODES / 2), ruleOf(MAX_RULE_NODES / 2))).ok).toBe(true);
    expect(parseStrategySpec(specOf(nest(MAX_RULE_DEPTH), leaf)).ok).toBe(true);
  });

  it('names the first node past the node limit', () => {
    const r = parseStrategySpec(specOf(ruleOf(MAX_RULE_NODES / 2), ruleOf(MAX_RULE_NODES / 2 + 1)));
    expect(r).toEqual({ ok: false, errors: [{ path: 'exit.all.4.any.18', message: `the entry and exit rules hold at most ${MAX_RULE_NODES} nodes together; this is one more` }] });
  });

  it('names the first node past the depth limit', () => {
    const r = parseStrategySpec(specOf(leaf, nest(MAX_RULE_DEPTH + 1)));
    expect(r).toEqual({ ok: false, errors: [{ path: `exit${'.all.0'.repeat(MAX_RULE_DEPTH)}`, message: `rules nest at most ${MAX_RULE_DEPTH} deep` }] });
  });

  it('stops at the limit however large the tree is', () => {
    const huge = { any: Array.from({ length: 1_000_000 }, () => leaf) };
    const started = performance.now();
    const r = parseStrategySpec(specOf(huge, leaf));
    expect(performance.now() - started).toBeLessThan(50);
    expect(r).toEqual({ ok: false, errors: [expect.objectContaining({ path: `entry.any.${MAX_RULE_NODES - 1}` })] });
  });
});
