import { batchPairs } from './period-export.service';

const pair = (serviceId: string, controlId: string) => ({ serviceId, controlId });

describe(batchPairs.name, () => {
  it('packs whole services together, in order, up to 32 pairs per batch', () => {
    const all = [
      ...Array.from({ length: 20 }, (_, i) => pair('b', `c${String(i).padStart(2, '0')}`)),
      ...Array.from({ length: 20 }, (_, i) => pair('a', `c${String(i).padStart(2, '0')}`)),
      pair('c', 'x'),
    ];
    expect(batchPairs(all, all)).toEqual([{ serviceIds: ['a'] }, { serviceIds: ['b', 'c'] }]);
  });

  it('queries the selected pairs one by one when only some pairs of a service are selected', () => {
    const all = [pair('a', 'x'), pair('a', 'y'), pair('b', 'z')];
    expect(batchPairs([pair('a', 'y'), pair('b', 'z')], all)).toEqual([
      { serviceIds: ['a'], controlId: 'y' },
      { serviceIds: ['b'] },
    ]);
  });

  it('splits a service with more than 32 pairs into one query per pair', () => {
    const all = Array.from({ length: 40 }, (_, i) => pair('big', `c${String(i).padStart(2, '0')}`));
    const batches = batchPairs(all, all);
    expect(batches).toHaveLength(40);
    expect(batches[0]).toEqual({ serviceIds: ['big'], controlId: 'c00' });
  });
});
