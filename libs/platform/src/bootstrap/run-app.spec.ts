import { ConfigError } from '../config/env-schema';
import { runApp } from './run-app';

describe(runApp.name, () => {
  it('prints one line per wrong variable and exits 1 when the configuration is invalid', async () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await runApp('vigil-test', () =>
        Promise.reject(
          new ConfigError(['PORT must be an integer, got "x"', 'DATABASE_URL is required']),
        ),
      );
      expect(write.mock.calls.map((c) => c[0])).toEqual([
        'vigil-test: configuration error: PORT must be an integer, got "x"\n',
        'vigil-test: configuration error: DATABASE_URL is required\n',
      ]);
      expect(exit).toHaveBeenCalledWith(1);
    } finally {
      exit.mockRestore();
      write.mockRestore();
    }
  });
});
