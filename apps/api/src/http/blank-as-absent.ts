/**
 * The query with the empty values of `keys` (`?service=&control=`) left out: SPEC §6 writes its
 * query templates with empty values, and there an empty value means "not given", as `limit=`
 * and `cursor=` already do. Window parameters are not among them: an empty `from`, `to` or
 * `window` stays an error, as on every endpoint.
 */
export function blankAsAbsent<T extends object>(query: T, keys: ReadonlyArray<keyof T>): T {
  const out = { ...query };
  for (const key of keys) if (out[key] === '') delete out[key];
  return out;
}
