/**
 * A tiny, dependency-free environment schema: each variable has a parser that either returns
 * a value or a human sentence saying what is wrong. `loadConfig` reports every bad variable
 * at once, so an operator fixes the environment in one pass.
 */
export type EnvParser<T> = (raw: string | undefined, name: string) => T;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

class VariableError extends Error {}

function fail(name: string, message: string): never {
  throw new VariableError(`${name} ${message}`);
}

export interface VariableDoc {
  description: string;
  default?: string;
  secret?: boolean;
}

export interface EnvVariable<T> extends VariableDoc {
  parse: EnvParser<T>;
}

export type EnvSchema = Record<string, EnvVariable<unknown>>;
export type ConfigOf<S extends EnvSchema> = {
  [K in keyof S]: S[K] extends EnvVariable<infer T> ? T : never;
};

function withDefault(raw: string | undefined, fallback: string | undefined): string | undefined {
  return raw === undefined || raw.trim() === '' ? fallback : raw.trim();
}

export function str(doc: VariableDoc & { pattern?: RegExp }): EnvVariable<string> {
  return {
    ...doc,
    parse: (raw, name) => {
      const value = withDefault(raw, doc.default);
      if (value === undefined) return fail(name, 'is required');
      if (doc.pattern && !doc.pattern.test(value)) return fail(name, `must match ${doc.pattern}`);
      return value;
    },
  };
}

export function optionalStr(doc: VariableDoc): EnvVariable<string | undefined> {
  return { ...doc, parse: (raw) => withDefault(raw, doc.default) };
}

export function int(doc: VariableDoc & { min?: number; max?: number }): EnvVariable<number> {
  return {
    ...doc,
    parse: (raw, name) => {
      const value = withDefault(raw, doc.default);
      if (value === undefined) return fail(name, 'is required');
      if (!/^-?\d+$/.test(value)) return fail(name, `must be an integer, got "${value}"`);
      const n = Number(value);
      if (doc.min !== undefined && n < doc.min)
        return fail(name, `must be >= ${doc.min}, got ${n}`);
      if (doc.max !== undefined && n > doc.max)
        return fail(name, `must be <= ${doc.max}, got ${n}`);
      return n;
    },
  };
}

export function port(doc: VariableDoc): EnvVariable<number> {
  return int({ ...doc, min: 0, max: 65535 });
}

export function bool(doc: VariableDoc): EnvVariable<boolean> {
  return {
    ...doc,
    parse: (raw, name) => {
      const value = withDefault(raw, doc.default)?.toLowerCase();
      if (value === undefined) return fail(name, 'is required');
      if (['true', '1', 'yes'].includes(value)) return true;
      if (['false', '0', 'no'].includes(value)) return false;
      return fail(name, `must be true or false, got "${value}"`);
    },
  };
}

export function oneOf<T extends string>(values: readonly T[], doc: VariableDoc): EnvVariable<T> {
  return {
    ...doc,
    parse: (raw, name) => {
      const value = withDefault(raw, doc.default);
      if (value === undefined) return fail(name, 'is required');
      if (!(values as readonly string[]).includes(value)) {
        return fail(name, `must be one of ${values.join(', ')}, got "${value}"`);
      }
      return value as T;
    },
  };
}

export function postgresUrl(doc: VariableDoc): EnvVariable<string> {
  return {
    ...doc,
    parse: (raw, name) => {
      const value = withDefault(raw, doc.default);
      if (value === undefined) return fail(name, 'is required');
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        return fail(name, 'must be a URL like postgres://user@host:5432/database');
      }
      if (!['postgres:', 'postgresql:'].includes(url.protocol)) {
        return fail(name, `must use the postgres:// scheme, got "${url.protocol}"`);
      }
      if (url.pathname.length <= 1) return fail(name, 'must name a database (…/vigil)');
      return value;
    },
  };
}

export function brokerList(doc: VariableDoc): EnvVariable<string[]> {
  return {
    ...doc,
    parse: (raw, name) => {
      const value = withDefault(raw, doc.default);
      if (value === undefined) return fail(name, 'is required');
      const brokers = value
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean);
      const bad = brokers.filter((b) => !/^[A-Za-z0-9._-]+:\d{1,5}$/.test(b));
      if (brokers.length === 0 || bad.length > 0) {
        return fail(name, `must be a comma-separated list of host:port, got "${value}"`);
      }
      return brokers;
    },
  };
}

export function loadConfig<S extends EnvSchema>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): ConfigOf<S> {
  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  for (const [name, variable] of Object.entries(schema)) {
    try {
      config[name] = variable.parse(env[name], name);
    } catch (error) {
      if (error instanceof VariableError) problems.push(error.message);
      else throw error;
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config as ConfigOf<S>;
}
