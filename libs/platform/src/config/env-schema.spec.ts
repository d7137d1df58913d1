import { ConfigError, brokerList, int, loadConfig, oneOf, postgresUrl, str } from './env-schema';

describe(loadConfig.name, () => {
  const schema = {
    DATABASE_URL: postgresUrl({ description: 'db', default: 'postgres://u@h:5432/vigil' }),
    KAFKA_BROKERS: brokerList({ description: 'brokers', default: '127.0.0.1:9092' }),
    PORT: int({ description: 'port', default: '3000', min: 0, max: 65535 }),
    LOG_LEVEL: oneOf(['info', 'debug'] as const, { description: 'level', default: 'info' }),
    NAME: str({ description: 'name' }),
  };

  it('applies defaults and parses values when the environment is valid', () => {
    expect(loadConfig(schema, { NAME: 'x', KAFKA_BROKERS: 'a:1, b:2', PORT: '8080' })).toEqual({
      DATABASE_URL: 'postgres://u@h:5432/vigil',
      KAFKA_BROKERS: ['a:1', 'b:2'],
      PORT: 8080,
      LOG_LEVEL: 'info',
      NAME: 'x',
    });
  });

  it('names every wrong variable in one error when several are wrong', () => {
    let caught: unknown;
    try {
      loadConfig(schema, {
        DATABASE_URL: 'mysql://x/y',
        KAFKA_BROKERS: 'nohost',
        PORT: '70000',
        LOG_LEVEL: 'loud',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems).toEqual([
      'DATABASE_URL must use the postgres:// scheme, got "mysql:"',
      'KAFKA_BROKERS must be a comma-separated list of host:port, got "nohost"',
      'PORT must be <= 65535, got 70000',
      'LOG_LEVEL must be one of info, debug, got "loud"',
      'NAME is required',
    ]);
  });

  it('rejects a non-integer port', () => {
    expect(() => loadConfig(schema, { NAME: 'x', PORT: '80a' })).toThrow(
      'PORT must be an integer, got "80a"',
    );
  });
});
