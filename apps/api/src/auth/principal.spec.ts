import { Principal, allowedServices, assertServiceAllowed } from './principal';

const principal = (services: string[] | null): Principal => ({
  keyId: 'k',
  name: 'n',
  role: 'auditor',
  services,
});

describe(assertServiceAllowed.name, () => {
  it('allows any service when the key is not limited', () => {
    expect(() => assertServiceAllowed(principal(null), 'anything')).not.toThrow();
  });

  it('allows a service in the list and answers 403 for one outside it', () => {
    expect(() => assertServiceAllowed(principal(['a']), 'a')).not.toThrow();
    expect(() => assertServiceAllowed(principal(['a']), 'b')).toThrow(
      expect.objectContaining({ problem: expect.objectContaining({ status: 403 }) }),
    );
  });
});

describe(allowedServices.name, () => {
  it('is null for every service, or a copy of the list', () => {
    expect(allowedServices(principal(null))).toBeNull();
    const p = principal(['a', 'b']);
    const list = allowedServices(p);
    list?.push('c');
    expect(p.services).toEqual(['a', 'b']);
  });
});
