import { Client } from 'pg';
import { TestDatabase, createTestDatabase } from '../../../../test/support/infra';
import { parseEpochSeconds } from './epoch-seconds';

describe(parseEpochSeconds.name, () => {
  let db: TestDatabase;
  let client: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new Client({ connectionString: db.url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it("equals Number() of extract's exact milliseconds when given date_part's or extract's seconds", async () => {
    // Random instants from 1966 to 2100 at microsecond, millisecond and second precision,
    // plus the edges: the epoch, just before it, whole seconds and a trailing-zero fraction.
    const { rows } = await client.query<{ d: string; n: string; e: string }>(`
      WITH t AS (
        SELECT to_timestamp(0) + make_interval(secs => (random() * 4102444800)::bigint)
                 + floor(random() * 1000000)::int * interval '1 microsecond' AS t
          FROM generate_series(1, 60000)
        UNION ALL
        SELECT to_timestamp(0) + make_interval(secs => (random() * 4102444800)::bigint)
                 + floor(random() * 1000)::int * interval '1 millisecond'
          FROM generate_series(1, 20000)
        UNION ALL
        SELECT to_timestamp(0) - make_interval(secs => (random() * 1e8)::bigint)
                 + floor(random() * 1000000)::int * interval '1 microsecond'
          FROM generate_series(1, 5000)
        UNION ALL
        SELECT unnest(ARRAY['1970-01-01T00:00:00Z', '1969-12-31T23:59:59.999999Z',
          '2026-11-29T00:00:00Z', '2026-11-29T12:34:56.100000Z', '2099-12-31T23:59:59.999999Z']::timestamptz[])
      )
      SELECT date_part('epoch', t)::text AS d, extract(epoch FROM t)::text AS n,
             (extract(epoch FROM t) * 1000)::text AS e
        FROM t`);
    const mismatches = rows.filter(
      ({ d, n, e }) =>
        !Object.is(parseEpochSeconds(d, 0, d.length), Number(e)) ||
        !Object.is(parseEpochSeconds(n, 0, n.length), Number(e)),
    );
    expect(rows.length).toBeGreaterThan(85000);
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it('reads a slice of a longer string when given its bounds', () => {
    const text = 'p1764403200.5,F1764489600';
    expect(parseEpochSeconds(text, 1, 13)).toBe(1764403200500);
    expect(parseEpochSeconds(text, 15, text.length)).toBe(1764489600000);
  });
});
