import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  CatalogApplySummary,
  CatalogDocument,
  CatalogFault,
  CatalogFormat,
  parseCatalogText,
  validateCatalogDocument,
} from '@vigil/contracts';
import { CatalogRepository } from '@vigil/persistence';
import { badRequest } from '../http/problem';
import { planCatalogApply } from './plan-catalog-apply';

/** The body of `PUT /api/v1/catalog`: text to parse, or JSON the body parser already read. */
export type CatalogInput =
  | { kind: 'text'; format: CatalogFormat; text: string; raw: Buffer }
  | { kind: 'parsed'; value: unknown; raw: Buffer | undefined };

export interface ApplyOptions {
  dryRun: boolean;
  appliedBy: string | null;
  now: Date;
}

/** Thrown inside the transaction of a dry run so that nothing it wrote is kept. */
class DryRunRollback extends Error {
  constructor(readonly summary: CatalogApplySummary) {
    super('dry run');
  }
}

/**
 * Applies a whole catalogue document in one transaction (SPEC §4): validate, compare with the
 * stored state under the apply lock, write the differences, log the apply. A dry run does all
 * of it and rolls back, so its answer is exactly what a real apply would have done.
 */
@Injectable()
export class CatalogApplyService {
  constructor(@Inject(CatalogRepository) private readonly catalog: CatalogRepository) {}

  async apply(input: CatalogInput, options: ApplyOptions): Promise<CatalogApplySummary> {
    const value = this.read(input);
    const documentSha256 = sha256(input);
    try {
      return await this.catalog.inTransaction(async (tx) => {
        await this.catalog.lockForApply(tx);
        const criteria = new Set(await this.catalog.listCriterionIds(tx));
        const document = this.validate(value, criteria);
        const state = await this.catalog.loadState(tx);
        const planned = planCatalogApply(state, document, options.now);
        if (!planned.ok) throw invalidDocument(planned.errors);
        const { changes } = planned;
        const summary: CatalogApplySummary = {
          dryRun: options.dryRun,
          appliedAt: changes.appliedAt,
          documentSha256,
          added: changes.added,
          changed: changes.changed,
          ended: changes.ended,
          retired: changes.retired,
          unchanged: changes.unchanged,
        };
        await this.catalog.writePlan(tx, planned.plan);
        await this.catalog.recordApply(tx, {
          appliedAt: options.now,
          appliedBy: options.appliedBy,
          documentSha256,
          added: count(summary.added),
          changed: count(summary.changed),
          ended: summary.ended.assignments.length,
          retired: count(summary.retired),
          unchanged: summary.unchanged,
          summary,
        });
        if (options.dryRun) throw new DryRunRollback(summary);
        return summary;
      });
    } catch (error) {
      if (error instanceof DryRunRollback) return error.summary;
      throw error;
    }
  }

  private read(input: CatalogInput): unknown {
    if (input.kind === 'parsed') return input.value;
    const parsed = parseCatalogText(input.text, input.format);
    if (!parsed.ok) throw invalidDocument(parsed.errors);
    return parsed.value;
  }

  private validate(value: unknown, criteria: ReadonlySet<string>): CatalogDocument {
    const validated = validateCatalogDocument(value, { criteria });
    if (!validated.ok) throw invalidDocument(validated.errors);
    return validated.document;
  }
}

function invalidDocument(errors: CatalogFault[]) {
  const noun = errors.length === 1 ? 'fault' : 'faults';
  return badRequest(
    `The catalogue document is not valid (${errors.length} ${noun}); nothing was applied`,
    errors.map((e) => ({ pointer: e.pointer, detail: e.detail })),
  );
}

function sha256(input: CatalogInput): string {
  const bytes =
    input.raw ??
    Buffer.from(input.kind === 'text' ? input.text : JSON.stringify(input.value), 'utf8');
  return createHash('sha256').update(bytes).digest('hex');
}

function count(lists: Record<string, unknown[]>): number {
  return Object.values(lists).reduce((sum, list) => sum + list.length, 0);
}
