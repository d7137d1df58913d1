import { blankAsAbsent } from './blank-as-absent';

describe(blankAsAbsent.name, () => {
  it('leaves out the empty values of the keys given and keeps every other value', () => {
    const query = { service: '', control: 'mfa', window: '', seed: '', size: '5' };
    expect(blankAsAbsent(query, ['service', 'control', 'seed', 'size'])).toEqual({
      control: 'mfa',
      window: '',
      size: '5',
    });
    expect(query.service).toBe('');
  });
});
