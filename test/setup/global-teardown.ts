import { deleteTestTopics, readEndpoints } from './endpoints';

/**
 * Deletes this run's test topics and stops containers this run started; the local broker is
 * left running for the next run.
 */
export default async function globalTeardown(): Promise<void> {
  const since = Number(process.env.VIGIL_TEST_RUN_STARTED);
  if (Number.isFinite(since)) {
    await deleteTestTopics(readEndpoints().kafkaBrokers, {
      sinceSeconds: since,
      untilSeconds: Number.MAX_SAFE_INTEGER,
    }).catch((error: unknown) => {
      process.stderr.write(`could not delete this run's test topics: ${String(error)}\n`);
    });
  }
  const containers = globalThis.__VIGIL_CONTAINERS__ ?? [];
  await Promise.allSettled(containers.map((c) => c.stop()));
}
