import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { Logger } from 'pino';
import { LOGGER } from '@vigil/platform';
import { ExportLogRepository } from '@vigil/persistence';
import type { Principal } from '../auth/principal';
import type { ExportLogEntryDto } from './dto/export-log.dto';
import {
  exportContentType,
  exportFileName,
  exportParameters,
  type ExportRequest,
} from './export-request';
import { ExportAbortedError } from './export-sink';
import { PeriodExportService } from './period-export.service';

/** Streams an export to the client and records it in the export log, whatever its outcome. */
@Injectable()
export class ExportsService {
  constructor(
    @Inject(PeriodExportService) private readonly exports: PeriodExportService,
    @Inject(ExportLogRepository) private readonly log: ExportLogRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async stream(principal: Principal, request: ExportRequest, res: Response): Promise<void> {
    const logId = await this.log.recordStarted({
      keyId: principal.keyId,
      keyName: principal.name,
      role: principal.role,
      format: request.format,
      table: request.format === 'csv' ? request.table : null,
      parameters: { ...exportParameters(request) },
    });
    const running = this.exports.start(request);
    res.status(200);
    res.setHeader('Content-Type', exportContentType(request.format));
    res.setHeader('Content-Disposition', `attachment; filename="${exportFileName(request)}"`);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Vigil-Export-Id', logId);
    res.flushHeaders();
    // The client going away destroys the stream, which closes the database cursor behind it.
    res.on('close', () => {
      if (!res.writableFinished) running.stream.destroy(new ExportAbortedError());
    });
    running.stream.on('error', () => res.destroy());
    running.stream.pipe(res);
    try {
      const outcome = await running.done;
      // Completed means delivered: the last byte has left, not only been produced.
      await delivered(res);
      await this.log.recordFinished(logId, {
        status: 'completed',
        sha256: outcome.sha256,
        bytes: outcome.bytes,
        rowCounts: outcome.rowCounts,
        error: null,
      });
    } catch (error: unknown) {
      const aborted = error instanceof ExportAbortedError || res.destroyed;
      if (!aborted) this.logger.error({ err: error, exportId: logId }, 'export failed');
      res.destroy();
      await this.log.recordFinished(logId, {
        status: aborted ? 'aborted' : 'failed',
        sha256: null,
        bytes: null,
        rowCounts: null,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  async listExports(limit: number, afterId: string | null): Promise<ExportLogEntryDto[]> {
    const rows = await this.log.listExports(limit, afterId);
    return rows.map((row) => ({
      ...row,
      requestedAt: row.requestedAt.toISOString(),
      completedAt: row.completedAt === null ? null : row.completedAt.toISOString(),
    }));
  }
}

function delivered(res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    if (res.writableFinished) return resolve();
    res.once('finish', resolve);
    res.once('close', () => (res.writableFinished ? resolve() : reject(new ExportAbortedError())));
  });
}
