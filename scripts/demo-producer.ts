import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { KafkaClient, OutgoingMessage, brokerList, int, loadConfig, str } from '@vigil/platform';

/**
 * The demo producer of `npm start`: emits realistic control-test results for the services
 * and controls of examples/catalog.yaml. It first backfills DEMO_BACKFILL_DAYS of history
 * (stored with late = true, as backdated evidence should be), then emits live results every
 * DEMO_INTERVAL_MS, with a sprinkle of failures, a redelivered duplicate, a result for a
 * service the catalogue does not know, and now and then an invalid event that ends on the DLQ.
 */
const config = loadConfig({
  KAFKA_BROKERS: brokerList({ description: 'Kafka brokers', default: '127.0.0.1:9092' }),
  VIGIL_TOPIC_RESULTS: str({ description: 'Results topic', default: 'control-results' }),
  DEMO_CATALOG: str({
    description: 'Catalogue whose assignments get results',
    default: join(__dirname, '..', '..', 'examples', 'catalog.yaml'),
  }),
  DEMO_BACKFILL_DAYS: int({
    description: 'Days of history emitted at start',
    default: '30',
    min: 0,
    max: 400,
  }),
  DEMO_INTERVAL_MS: int({ description: 'Pause between live rounds', default: '5000', min: 100 }),
  DEMO_ROUNDS: int({
    description: 'Live rounds before exiting (0 = forever)',
    default: '0',
    min: 0,
  }),
});

interface Catalog {
  controls: Array<{ id: string; frequency: string }>;
  assignments: Array<{ service: string; control: string }>;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const STEP: Record<string, number> = {
  hourly: HOUR,
  daily: DAY,
  weekly: 7 * DAY,
  monthly: 30 * DAY,
  quarterly: 91 * DAY,
  annually: 365 * DAY,
};
const SOURCES: Record<string, string> = {
  hourly: '//monitoring.acme.dev/probes',
  daily: '//ci.acme.dev/checks',
  weekly: '//scanner.acme.dev/weekly',
};

function outcome(serviceId: string, controlId: string, t: number): string {
  // A stable "bad stretch" per pair makes failure episodes and their remediation visible.
  const seed = [...`${serviceId}/${controlId}`].reduce(
    (a, c) => (a * 31 + c.charCodeAt(0)) >>> 0,
    7,
  );
  const badDay = seed % 29;
  const day = Math.floor(t / DAY) % 29;
  if (day === badDay && seed % 5 === 0) return 'fail';
  const r = Math.random();
  return r < 0.985 ? 'pass' : r < 0.993 ? 'fail' : r < 0.997 ? 'error' : 'not_applicable';
}

function event(
  serviceId: string,
  controlId: string,
  frequency: string,
  time: number,
  result = outcome(serviceId, controlId, time),
) {
  const id = randomUUID();
  return {
    key: serviceId,
    value: JSON.stringify({
      specversion: '1.0',
      id,
      source: SOURCES[frequency] ?? '//grc.acme.dev/attestations',
      type: 'io.vigil.control.result.v1',
      time: new Date(time).toISOString(),
      subject: serviceId,
      datacontenttype: 'application/json',
      data: {
        controlId,
        outcome: result,
        evidence: {
          uri: `s3://acme-evidence/${controlId}/${serviceId}/${id}.json`,
          summary: `${controlId} on ${serviceId}: ${result}`,
        },
        test: { id: `${controlId}-check`, version: '1.4.2' },
        details: { checked: 1 + Math.floor(Math.random() * 50) },
      },
    }),
    headers: { 'content-type': 'application/cloudevents+json' },
  };
}

async function main(): Promise<void> {
  const catalog = parse(readFileSync(config.DEMO_CATALOG, 'utf8')) as Catalog;
  const frequency = new Map(catalog.controls.map((c) => [c.id, c.frequency]));
  const pairs = catalog.assignments.map((a) => ({
    service: a.service,
    control: a.control,
    frequency: frequency.get(a.control) ?? 'daily',
  }));
  const kafka = new KafkaClient({ brokers: config.KAFKA_BROKERS, clientId: 'vigil-demo' });
  const topic = config.VIGIL_TOPIC_RESULTS;
  const now = Date.now();

  let backfilled = 0;
  for (const p of pairs) {
    const step = STEP[p.frequency] ?? DAY;
    const messages: OutgoingMessage[] = [];
    for (
      let t = now - config.DEMO_BACKFILL_DAYS * DAY + Math.random() * step;
      t < now - 60_000;
      t += step
    ) {
      if (Math.random() < 0.005) continue; // a missed run now and then
      messages.push(event(p.service, p.control, p.frequency, Math.floor(t)));
    }
    for (let i = 0; i < messages.length; i += 500)
      await kafka.send(topic, messages.slice(i, i + 500));
    backfilled += messages.length;
  }
  console.log(
    `demo: backfilled ${backfilled} results over ${config.DEMO_BACKFILL_DAYS} days for ${pairs.length} pairs`,
  );

  let stopping = false;
  process.on('SIGTERM', () => (stopping = true));
  process.on('SIGINT', () => (stopping = true));
  for (
    let round = 1;
    !stopping && (config.DEMO_ROUNDS === 0 || round <= config.DEMO_ROUNDS);
    round++
  ) {
    const batch: OutgoingMessage[] = pairs
      .filter((p) => p.frequency === 'hourly' || Math.random() < 0.1)
      .map((p) => event(p.service, p.control, p.frequency, Date.now()));
    if (round % 5 === 0 && batch.length > 0) batch.push(batch[0]); // a redelivery: stored once
    if (round % 7 === 0)
      batch.push(event('legacy-batch-runner', 'mfa-enforced', 'daily', Date.now())); // unmapped pair
    if (round % 11 === 0)
      batch.push({ key: 'payments-api', value: '{"specversion":"1.0", oops', headers: {} }); // → DLQ
    await kafka.send(topic, batch);
    console.log(`demo: round ${round}: ${batch.length} events`);
    await new Promise((r) => setTimeout(r, config.DEMO_INTERVAL_MS));
  }
  await kafka.close();
}

main().catch((error: unknown) => {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
