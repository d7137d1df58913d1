import PDFDocument from 'pdfkit';
import type { PairEvaluation } from '@vigil/persistence';
import type { Verdict } from '@vigil/domain';
import type { ExportContext } from '../export-context';
import type { ExportSink } from '../export-sink';

const MARGIN = 50;
const PAGE_BOTTOM = 842 - MARGIN - 20;
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';

const VERDICT_LABEL: Record<Verdict, string> = {
  effective: 'Effective',
  effective_with_exceptions: 'Effective with exceptions',
  not_effective: 'Not effective',
  not_in_scope: 'Not in scope',
};

const pct = (rate: number | null) => (rate === null ? 'n/a' : `${(rate * 100).toFixed(2)} %`);
const day = (ms: number | Date) => new Date(ms).toISOString().replace('.000Z', 'Z');

interface Column {
  label: string;
  width: number;
  value: (p: PairEvaluation) => string;
  align?: 'left' | 'right';
}

const VERDICT_COLUMNS: Column[] = [
  { label: 'Control', width: 95, value: (p) => p.controlId },
  { label: 'Criteria', width: 70, value: (p) => p.control.criteria.join(', ') },
  { label: 'Frequency', width: 55, value: (p) => p.control.frequency },
  {
    label: 'Expected',
    width: 45,
    value: (p) => String(p.effectiveness.expectedOccurrences),
    align: 'right',
  },
  {
    label: 'Failed',
    width: 40,
    value: (p) => String(p.effectiveness.failedOccurrences),
    align: 'right',
  },
  {
    label: 'Missed',
    width: 40,
    value: (p) => String(p.effectiveness.missedOccurrences),
    align: 'right',
  },
  {
    label: 'Dev. rate',
    width: 55,
    value: (p) => pct(p.effectiveness.deviationRate),
    align: 'right',
  },
  { label: 'Verdict', width: 95, value: (p) => VERDICT_LABEL[p.effectiveness.verdict] },
];

/**
 * The human-readable report of an export (SPEC §7): a cover with the period, scope and as-of
 * instant, a verdict table per service, every exception (failed or missed slot) with its dates
 * and evidence, and page numbers.
 *
 * Reproducible: the report shows the period's as-of instant, not the wall-clock generation
 * time (that lives in the bundle manifest and the export log), and the PDF's CreationDate,
 * ModDate and therefore its document ID (PDFKit hashes the info dictionary) are the as-of, so
 * the same closed period gives the same bytes. Standard PDF fonts only: nothing embedded.
 */
export async function writePdfReport(ctx: ExportContext, sink: ExportSink): Promise<void> {
  const { request } = ctx;
  const pairs = await ctx.summary();
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: {
      Title: `Vigil operating effectiveness ${day(request.from)} to ${day(request.to)}`,
      Author: 'Vigil',
      Subject: 'SOC 2 Type II operating effectiveness',
      Creator: `Vigil ${ctx.vigilVersion}`,
      Producer: 'Vigil (PDFKit)',
      CreationDate: request.asOf,
      ModDate: request.asOf,
    },
  });
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  // PDFKit pushes without backpressure; `sink.write('')` after each row waits while the reader is behind.
  doc.on('data', (chunk: Buffer) => sink.writeNow(chunk));
  let page = 1;
  const footer = () => {
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font(FONT).fontSize(8).fillColor('#666666');
    doc.text(
      `Vigil export ${day(request.from)} to ${day(request.to)}  ·  page ${page}`,
      MARGIN,
      842 - 35,
      { width: 595 - 2 * MARGIN, align: 'center', lineBreak: false },
    );
    doc.page.margins.bottom = bottom;
    doc.fillColor('black');
    doc.x = MARGIN;
    doc.y = MARGIN;
  };
  doc.on('pageAdded', () => {
    page++;
    footer();
  });
  const ensureRoom = (height: number) => {
    if (doc.y + height > PAGE_BOTTOM) doc.addPage();
  };

  // Cover.
  footer();
  doc.font(BOLD).fontSize(22).text('Operating effectiveness report', MARGIN, 140);
  doc
    .moveDown(0.5)
    .font(FONT)
    .fontSize(12)
    .fillColor('#444444')
    .text('SOC 2 Type II — continuous control monitoring by Vigil');
  doc.fillColor('black').moveDown(2).fontSize(11);
  const line = (label: string, value: string) => {
    doc.font(BOLD).text(`${label}: `, { continued: true }).font(FONT).text(value);
    doc.moveDown(0.3);
  };
  line('Period', `${day(request.from)} to ${day(request.to)} (to exclusive, UTC)`);
  line('Evaluated as of', day(request.asOf));
  line('Scope', request.serviceIds === null ? 'all services' : request.serviceIds.join(', '));
  line('Vigil version', ctx.vigilVersion);
  const verdicts = new Map<Verdict, number>();
  for (const p of pairs)
    verdicts.set(p.effectiveness.verdict, (verdicts.get(p.effectiveness.verdict) ?? 0) + 1);
  line('Pairs (service, control)', String(pairs.length));
  for (const v of [
    'effective',
    'effective_with_exceptions',
    'not_effective',
    'not_in_scope',
  ] as const) {
    line(`  ${VERDICT_LABEL[v]}`, String(verdicts.get(v) ?? 0));
  }
  doc.moveDown(1).font(FONT).fontSize(9).fillColor('#444444');
  doc.text(
    'Generation time: recorded in manifest.json of the export bundle and in the export log. This report shows the as-of ' +
      'instant instead, so that exporting the same closed period again gives the same file byte for byte. ' +
      'Numbers follow SPEC §5 of Vigil: an expected occurrence is a slot of the control’s frequency wholly inside the ' +
      'period and the assignment; a deviation is a failed or missed occurrence.',
  );
  doc.fillColor('black');
  if (pairs.length === 0) {
    doc
      .moveDown(2)
      .font(BOLD)
      .fontSize(12)
      .text('No data: no (service, control) pair was in scope in this period.');
  }

  // Verdict tables, one per service.
  let service: string | null = null;
  const tableHeader = () => {
    let x = MARGIN;
    const y = doc.y;
    doc.font(BOLD).fontSize(8);
    for (const c of VERDICT_COLUMNS) {
      doc.text(c.label, x, y, { width: c.width - 4, align: c.align ?? 'left', lineBreak: false });
      x += c.width;
    }
    doc
      .moveTo(MARGIN, y + 11)
      .lineTo(595 - MARGIN, y + 11)
      .stroke();
    doc.x = MARGIN;
    doc.y = y + 14;
  };
  for (const pair of pairs) {
    if (pair.serviceId !== service) {
      if (service === null) doc.addPage();
      else {
        doc.moveDown(1.5);
        ensureRoom(80);
      }
      service = pair.serviceId;
      doc.font(BOLD).fontSize(14).text(`Service ${service}`, MARGIN, doc.y);
      doc.moveDown(0.5);
      tableHeader();
    }
    ensureRoom(24);
    if (doc.y === MARGIN) {
      doc.font(BOLD).fontSize(10).text(`Service ${pair.serviceId} (continued)`, MARGIN, doc.y);
      doc.moveDown(0.3);
      tableHeader();
    }
    const y = doc.y;
    let x = MARGIN;
    doc.font(FONT).fontSize(8);
    for (const c of VERDICT_COLUMNS) {
      doc.text(c.value(pair), x, y, {
        width: c.width - 4,
        align: c.align ?? 'left',
        lineBreak: false,
        ellipsis: true,
      });
      x += c.width;
    }
    doc
      .fontSize(7)
      .fillColor('#555555')
      .text(pair.control.title, MARGIN, y + 10, { width: 495, lineBreak: false, ellipsis: true });
    doc.fillColor('black');
    doc.x = MARGIN;
    doc.y = y + 22;
    await sink.write('');
  }

  // Exceptions: every failed or missed slot.
  const deviating = pairs.filter((p) => p.effectiveness.deviations > 0).length;
  if (pairs.length > 0) {
    doc.addPage();
    doc.font(BOLD).fontSize(14).text('Exceptions');
    doc.moveDown(0.3).font(FONT).fontSize(9);
    doc.text(
      deviating === 0
        ? 'No exception: every expected occurrence passed.'
        : `Every failed or missed occurrence of the ${deviating} deviating ${deviating === 1 ? 'pair' : 'pairs'}, with its dates and evidence.`,
    );
    doc.moveDown(0.5);
  }
  if (deviating > 0) {
    await ctx.forEachDeviatingPairWithSlots(async (pair) => {
      if (pair.effectiveness.deviations === 0) return;
      ensureRoom(40);
      doc
        .moveDown(0.4)
        .font(BOLD)
        .fontSize(10)
        .text(`${pair.serviceId} / ${pair.controlId} — ${pair.control.title}`);
      doc
        .font(FONT)
        .fontSize(8)
        .text(
          `${pair.effectiveness.deviations} deviations of ${pair.effectiveness.expectedOccurrences} (${pct(pair.effectiveness.deviationRate)}), verdict ${VERDICT_LABEL[pair.effectiveness.verdict]}`,
        );
      doc.moveDown(0.2);
      for (const slot of pair.slots ?? []) {
        if (slot.status !== 'failed' && slot.status !== 'missed') continue;
        ensureRoom(12);
        if (doc.y === MARGIN) {
          doc
            .font(BOLD)
            .fontSize(9)
            .text(`${pair.serviceId} / ${pair.controlId} (continued)`, MARGIN, doc.y);
          doc.moveDown(0.2);
        }
        const detail =
          slot.status === 'missed'
            ? 'missed: no result'
            : `failed: results ${slot.resultIds.join(', ')}${slot.evidenceUris.length ? `; evidence ${slot.evidenceUris.join(', ')}` : '; no evidence'}`;
        doc
          .font(FONT)
          .fontSize(8)
          .text(`${day(slot.start)} – ${day(slot.end)}   ${detail}`, MARGIN + 10, doc.y, {
            width: 485,
          });
        doc.x = MARGIN;
        await sink.write('');
      }
    });
  }
  doc.end();
  await ended;
}
