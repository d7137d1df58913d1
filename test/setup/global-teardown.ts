/** Stops containers this run started; the local broker is left running for the next run. */
export default async function globalTeardown(): Promise<void> {
  const containers = globalThis.__VIGIL_CONTAINERS__ ?? [];
  await Promise.allSettled(containers.map((c) => c.stop()));
}
