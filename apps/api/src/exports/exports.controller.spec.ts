import type { Principal } from '../auth/principal';
import { parseExportRequest } from './exports.controller';

const admin: Principal = { keyId: 'k1', name: 'admin', role: 'admin', services: null };
const limited: Principal = {
  keyId: 'k2',
  name: 'auditor',
  role: 'auditor',
  services: ['b-api', 'a-api'],
};
const now = new Date('2026-06-15T12:00:00Z');
const period = { from: '2026-01-01T00:00:00Z', to: '2026-04-01T00:00:00Z' };

describe(parseExportRequest.name, () => {
  it('defaults to the zip bundle of every service, evaluated as of the end of a closed period', () => {
    expect(parseExportRequest(admin, period, now)).toMatchObject({
      format: 'zip',
      table: 'summary',
      serviceIds: null,
      asOf: new Date('2026-04-01T00:00:00Z'),
    });
  });

  it('evaluates an open period as of now', () => {
    const open = parseExportRequest(admin, { ...period, to: '2026-07-01T00:00:00Z' }, now);
    expect(open.asOf).toEqual(now);
  });

  it("exports a limited auditor's services, sorted, when no service is named", () => {
    expect(parseExportRequest(limited, period, now).serviceIds).toEqual(['a-api', 'b-api']);
  });

  it('refuses a service the key may not see with 403', () => {
    expect(() => parseExportRequest(limited, { ...period, service: 'c-api' }, now)).toThrow(
      expect.objectContaining({ problem: expect.objectContaining({ status: 403 }) }),
    );
  });

  it.each([
    [{ from: period.from }, 'to'],
    [{ ...period, format: 'xlsx' }, 'format'],
    [{ ...period, format: 'zip', table: 'results' }, 'table'],
    [{ ...period, format: 'csv', table: 'slots' }, 'table'],
    [{ from: period.to, to: period.from }, 'from'],
  ])('names the parameter when the query is %j', (query, parameter) => {
    expect(() => parseExportRequest(admin, query, now)).toThrow(
      expect.objectContaining({
        problem: expect.objectContaining({ errors: [expect.objectContaining({ parameter })] }),
      }),
    );
  });
});
