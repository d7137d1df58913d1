import type { PairEvaluation } from '@vigil/persistence';
import type { Verdict } from '@vigil/domain';
import type { ExportContext } from '../export-context';
import type { ExportSink } from '../export-sink';
import { uuidV5 } from './uuid-v5';

/** The OSCAL model the documents are authored against (SPEC §7: NIST's 1.2.1 schema). */
export const OSCAL_VERSION = '1.2.1';
/** Namespace of Vigil's OSCAL props (names outside OSCAL's own vocabulary). */
export const VIGIL_OSCAL_NS = 'https://vigil.dev/ns/oscal';

interface Prop {
  name: string;
  value: string;
  ns: string;
  class?: string;
}

function prop(
  name: string,
  value: string | number | boolean | null | undefined,
  cls?: string,
): Prop[] {
  if (value === null || value === undefined) return [];
  const text = String(value).trim();
  if (text === '') return [];
  return [{ name, value: text, ns: VIGIL_OSCAL_NS, ...(cls ? { class: cls } : {}) }];
}

/** OSCAL tokens are XML NCNames: ids like `mfa:v2` or `1password` are mapped to `vigil-…`. */
export function oscalToken(id: string): string {
  const cleaned = id.replace(/[^\p{L}\p{N}._-]/gu, '_');
  return /^(\p{L}|_)/u.test(cleaned) ? cleaned : `_${cleaned}`;
}

const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`]*$/;

function evidence(uris: Iterable<string>, what: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const uri of uris) {
    // `href` must be a URI reference; evidence given as free text is kept in the description.
    out.push(URI.test(uri) ? { href: uri, description: what } : { description: `${what}: ${uri}` });
  }
  return out;
}

function targetStatus(verdict: Verdict): {
  state: 'satisfied' | 'not-satisfied';
  reason: string;
  remarks: string;
} {
  switch (verdict) {
    case 'effective':
      return {
        state: 'satisfied',
        reason: 'pass',
        remarks: 'Operated every time it was due (no deviation).',
      };
    case 'effective_with_exceptions':
      return {
        state: 'satisfied',
        reason: 'other',
        remarks: 'Deviation rate within the tolerable deviation rate.',
      };
    case 'not_effective':
      return {
        state: 'not-satisfied',
        reason: 'fail',
        remarks: 'Deviation rate above the tolerable deviation rate.',
      };
    case 'not_in_scope':
      return {
        state: 'not-satisfied',
        reason: 'other',
        remarks: 'No occurrence was expected in the period (not in scope).',
      };
  }
}

const pairName = (p: PairEvaluation) => `${p.serviceId}\u0000${p.controlId}`;

function pairProps(pair: PairEvaluation): Prop[] {
  const e = pair.effectiveness;
  return [
    ...prop('service', pair.serviceId),
    ...prop('control', pair.controlId),
    ...pair.control.criteria.flatMap((c) => prop('criterion', c, 'tsc-2017')),
    ...prop('frequency', pair.control.frequency),
    ...prop('verdict', e.verdict),
    ...prop('expected-occurrences', e.expectedOccurrences),
    ...prop('passed-occurrences', e.passedOccurrences),
    ...prop('failed-occurrences', e.failedOccurrences),
    ...prop('missed-occurrences', e.missedOccurrences),
    ...prop('not-applicable-occurrences', e.notApplicableOccurrences),
    ...prop('deviations', e.deviations),
    ...prop('deviation-rate', e.deviationRate),
    ...prop('tolerable-deviation-rate', pair.control.tolerableDeviationRate),
    ...prop('coverage', e.coverage),
    ...prop('longest-deviation-streak', e.longestDeviationStreak),
    ...prop('remediated-episodes', e.remediatedEpisodes),
    ...prop('open-episodes', e.openEpisodes),
    ...prop('mttr-seconds', e.mttrSeconds),
    ...prop('time-in-compliance', e.timeInCompliance),
    ...prop('late-results', e.lateResults),
    ...prop('meets-minimum-period', e.meetsMinimumPeriod),
  ];
}

/**
 * The OSCAL assessment-results document of an export (SPEC §7), valid against NIST's 1.2.1
 * JSON schema, written as a stream:
 * - one result for the period; reviewed-controls selects every control (`include-all`), the
 *   criteria of each pair are props of its finding;
 * - per (service, control) one observation of its operation (evidence URIs as
 *   relevant-evidence) and, when it deviated, one observation listing every failed or missed
 *   slot; then one finding per pair whose target is the control with status satisfied or
 *   not-satisfied and the verdict and deviation numbers as props;
 * - `import-ap` points at a back-matter resource: Vigil monitors continuously and has no
 *   separate assessment-plan document (a placeholder an assessor may replace);
 * - every UUID is a version-5 UUID of a stable name and `last-modified` is the period's as-of,
 *   so the same closed period gives the same bytes.
 */
export async function writeOscal(ctx: ExportContext, sink: ExportSink): Promise<void> {
  const { request } = ctx;
  const from = request.from.toISOString();
  const to = request.to.toISOString();
  const asOf = request.asOf.toISOString();
  const scope = request.serviceIds === null ? '*' : request.serviceIds.join(',');
  const docName = `assessment-results|${from}|${to}|${scope}`;
  const planResource = uuidV5(`${docName}|assessment-plan`);
  const pairs = await ctx.summary();

  const head = {
    uuid: uuidV5(docName),
    metadata: {
      title: `Vigil operating effectiveness ${from} to ${to}`,
      'last-modified': asOf,
      version: ctx.vigilVersion,
      'oscal-version': OSCAL_VERSION,
      props: [
        ...prop('period-start', from),
        ...prop('period-end', to),
        ...prop('as-of', asOf),
        ...prop(
          'scope',
          request.serviceIds === null ? 'all services' : request.serviceIds.join(' '),
        ),
      ],
    },
    'import-ap': {
      href: `#${planResource}`,
      remarks:
        'Vigil monitors controls continuously; there is no separate assessment plan document. This reference is a placeholder.',
    },
  };
  await sink.write(`{"assessment-results":${JSON.stringify(head).slice(0, -1)},\n"results":[{`);
  const result = {
    uuid: uuidV5(`${docName}|result`),
    title: `Operating effectiveness ${from} to ${to}`,
    description: `SOC 2 Type II operating effectiveness of every (service, control) pair in scope over [${from}, ${to}), evaluated as of ${asOf} by Vigil ${ctx.vigilVersion}.`,
    start: from,
    end: to,
    props: [...prop('pairs', pairs.length), ...prop('empty', pairs.length === 0)],
    'reviewed-controls': {
      description:
        'Every control of the Vigil catalogue assigned to a service in scope during the period.',
      'control-selections': [{ 'include-all': {} }],
    },
  };
  await sink.write(JSON.stringify(result).slice(1, -1));

  if (pairs.length === 0) {
    await sink.write(
      `,"remarks":"No (service, control) pair was in scope in this period: there is nothing to assess."}]`,
    );
  } else {
    await sink.write(',\n"observations":[');
    let first = true;
    await ctx.forEachPairWithSlots(async (pair) => {
      for (const observation of pairObservations(pair, asOf)) {
        await sink.write(`${first ? '' : ','}\n${JSON.stringify(observation)}`);
        first = false;
      }
    });
    await sink.write('],\n"findings":[');
    for (let i = 0; i < pairs.length; i++) {
      await sink.write(`${i === 0 ? '' : ','}\n${JSON.stringify(pairFinding(pairs[i]))}`);
    }
    await sink.write(']}]');
  }
  await sink.write(
    `,\n"back-matter":${JSON.stringify({ resources: [{ uuid: planResource, title: 'Vigil continuous monitoring (no separate assessment plan)', description: 'Placeholder for the assessment plan: results come from automated control tests evaluated per SOC 2 Type II operating effectiveness rules.' }] })}}}\n`,
  );
}

function pairObservations(pair: PairEvaluation, collected: string): Array<Record<string, unknown>> {
  const e = pair.effectiveness;
  const slots = pair.slots ?? [];
  const uris = new Set<string>();
  for (const slot of slots) for (const uri of slot.evidenceUris) uris.add(uri);
  const operation: Record<string, unknown> = {
    uuid: uuidV5(`${pairName(pair)}|operation`),
    title: `Operation of ${pair.controlId} on ${pair.serviceId}`,
    description: `${e.expectedOccurrences} expected occurrences: ${e.passedOccurrences} passed, ${e.failedOccurrences} failed, ${e.missedOccurrences} missed (${e.notApplicableOccurrences} not applicable, excluded). Results: ${e.resultCounts.pass} pass, ${e.resultCounts.fail} fail, ${e.resultCounts.error} error, ${e.resultCounts.notApplicable} not applicable, ${e.lateResults} late.`,
    props: pairProps(pair),
    methods: ['TEST'],
    types: ['control-objective'],
    collected,
  };
  const operationEvidence = evidence(uris, 'Evidence of a control test result');
  if (operationEvidence.length) operation['relevant-evidence'] = operationEvidence;
  const observations = [operation];
  if (e.deviations > 0) {
    const deviating = slots.filter((s) => s.status === 'failed' || s.status === 'missed');
    const lines = deviating.map(
      (s) =>
        `- ${new Date(s.start).toISOString()} to ${new Date(s.end).toISOString()}: ${s.status}${s.resultIds.length ? ` (results ${s.resultIds.join(', ')})` : ' (no result)'}`,
    );
    const deviationUris = new Set<string>();
    for (const slot of deviating) for (const uri of slot.evidenceUris) deviationUris.add(uri);
    const deviations: Record<string, unknown> = {
      uuid: uuidV5(`${pairName(pair)}|deviations`),
      title: `Deviations of ${pair.controlId} on ${pair.serviceId}`,
      description: `${e.deviations} deviations (${e.failedOccurrences} failed, ${e.missedOccurrences} missed) of ${e.expectedOccurrences} expected occurrences:\n\n${lines.join('\n')}`,
      props: [
        ...prop('deviations', e.deviations),
        ...prop('deviation-rate', e.deviationRate),
        ...prop('longest-deviation-streak', e.longestDeviationStreak),
      ],
      methods: ['TEST'],
      types: ['finding'],
      collected,
    };
    const deviationEvidence = evidence(deviationUris, 'Evidence of a failed control test');
    if (deviationEvidence.length) deviations['relevant-evidence'] = deviationEvidence;
    observations.push(deviations);
  }
  return observations;
}

function pairFinding(pair: PairEvaluation): Record<string, unknown> {
  const e = pair.effectiveness;
  const related = [{ 'observation-uuid': uuidV5(`${pairName(pair)}|operation`) }];
  if (e.deviations > 0)
    related.push({ 'observation-uuid': uuidV5(`${pairName(pair)}|deviations`) });
  return {
    uuid: uuidV5(`${pairName(pair)}|finding`),
    title: `${pair.control.title} (${pair.controlId}) on ${pair.serviceId}`,
    description: `Verdict ${e.verdict}: ${e.deviations} deviations of ${e.expectedOccurrences} expected occurrences (deviation rate ${e.deviationRate ?? 'n/a'}, tolerable ${pair.control.tolerableDeviationRate}). Criteria: ${pair.control.criteria.join(', ') || 'none'}.`,
    props: pairProps(pair),
    target: {
      type: 'objective-id',
      'target-id': oscalToken(pair.controlId),
      title: pair.control.title,
      status: targetStatus(e.verdict),
    },
    'related-observations': related,
  };
}
