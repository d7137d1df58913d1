import { TokenBuckets } from './token-bucket';

describe(TokenBuckets.name, () => {
  describe('take', () => {
    it('allows a burst of the per-minute budget, then refuses with a retry delay', () => {
      const buckets = new TokenBuckets(3);
      expect([0, 0, 0].map(() => buckets.take('k', 1000).allowed)).toEqual([true, true, true]);
      expect(buckets.take('k', 1000)).toEqual({ allowed: false, retryAfterSeconds: 20 });
    });

    it('refills at the per-minute rate when time passes', () => {
      const buckets = new TokenBuckets(60);
      for (let i = 0; i < 60; i++) buckets.take('k', 0);
      expect(buckets.take('k', 500).allowed).toBe(false);
      expect(buckets.take('k', 1000).allowed).toBe(true);
      expect(buckets.take('k', 1000).allowed).toBe(false);
    });

    it('keeps one budget per key when several keys call', () => {
      const buckets = new TokenBuckets(1);
      expect(buckets.take('a', 0).allowed).toBe(true);
      expect(buckets.take('b', 0).allowed).toBe(true);
      expect(buckets.take('a', 0).allowed).toBe(false);
    });

    it('never refuses when the limit is 0 (off)', () => {
      const buckets = new TokenBuckets(0);
      for (let i = 0; i < 1000; i++) expect(buckets.take('k', 0).allowed).toBe(true);
    });

    it('does not store more than the budget when a key is idle for long', () => {
      const buckets = new TokenBuckets(2);
      buckets.take('k', 0);
      const later = 3_600_000;
      expect(
        [buckets.take('k', later), buckets.take('k', later), buckets.take('k', later)].map(
          (r) => r.allowed,
        ),
      ).toEqual([true, true, false]);
    });
  });
});
