import { FaultInjector, parseFaultPlan } from './fault-injector';

describe(FaultInjector.name, () => {
  it('kills only at the planned point of the planned batch when INGEST_FAULT is set', () => {
    const kill = jest.fn();
    const faults = new FaultInjector(parseFaultPlan('after-db-commit:2'), kill);
    faults.at('after-db-commit', 1);
    faults.at('before-db-commit', 2);
    expect(kill).not.toHaveBeenCalled();
    faults.at('after-db-commit', 2);
    expect(kill).toHaveBeenCalledTimes(1);
  });

  it('is inert when INGEST_FAULT is unset', () => {
    const kill = jest.fn();
    const faults = new FaultInjector(parseFaultPlan(undefined), kill);
    faults.at('before-db-commit', 1);
    expect(kill).not.toHaveBeenCalled();
  });

  it('refuses a malformed plan when the value is not point:n', () => {
    expect(() => parseFaultPlan('during-commit:1')).toThrow(/INGEST_FAULT/);
  });
});
