import { UpdateJournal } from './update-journal';

describe('UpdateJournal', () => {
  it('gives the frames after an event id it holds, and nothing for one it does not', () => {
    const j = new UpdateJournal({ perUser: 3, total: 100 });
    ['e1', 'e2', 'e3', 'e4'].forEach((id) => j.record('u', id, `f-${id}`));
    expect(j.since('u', 'e2')).toEqual(['f-e3', 'f-e4']);
    expect(j.since('u', 'e4')).toEqual([]);
    expect(j.since('u', 'e1')).toBeUndefined();
    expect(j.since('other', 'e2')).toBeUndefined();
  });

  it('forgets the users updated longest ago when the total is reached', () => {
    const j = new UpdateJournal({ perUser: 2, total: 4 });
    j.record('a', 'a1', 'x');
    j.record('b', 'b1', 'x');
    j.record('a', 'a2', 'x');
    j.record('c', 'c1', 'x');
    j.record('c', 'c2', 'x');
    expect(j.size).toBeLessThanOrEqual(4);
    expect(j.since('b', 'b1')).toBeUndefined();
    expect(j.since('a', 'a1')).toEqual(['x']);
    expect(j.since('c', 'c1')).toEqual(['x']);
  });
});
