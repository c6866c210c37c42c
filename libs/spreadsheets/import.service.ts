import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Writable } from 'stream';
import ExcelJS from 'exceljs';
import { DataSource } from 'typeorm';
import { AppError, conflict, fieldError, forbidden, notFound } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import { sqlOne, sqlRows } from '../db/sql';
import { OutboxService } from '../outbox/outbox.service';
import { TaxonomyService } from '../taxonomy/taxonomy.service';
import { isUuid } from '../common/uuid';
import { escapeFormula } from './cells';
import { IMPORTABLE_ENTITIES, IMPORT_ENTITIES, ImportEntity } from './columns';
import { formatOf } from './file-reader';
import { ImportRecord, PREVIEW_ROWS, RowError } from './import';
import { buildTemplate } from './template';

const OUTCOME_NAMES: Record<string, string> = {
  create: '新建',
  update: '更新',
  unchanged: '无变化',
  error: '有错误',
  created: '已新建',
  updated: '已更新',
  failed: '写入失败',
};

export interface ImportView {
  id: string;
  entity: ImportEntity;
  fileName: string;
  format: string;
  status: string;
  progress: { phase: string; rows: number; total: number | null };
  columns: string[];
  ignoredColumns: string[];
  counts: { create: number; update: number; unchanged: number; error: number } | null;
  commitCounts: {
    created: number;
    updated: number;
    unchanged: number;
    error: number;
    failedBatches: number;
  } | null;
  failure: string | null;
  errors: RowError[];
  collisions: {
    row: number;
    otherJurisdiction: string;
    basis: string;
    similarity: number;
    firstReportedBy: string;
  }[];
  preview: {
    row: number;
    outcome: string;
    written: string | null;
    cells: unknown[];
    errors: { column: string; message: string }[];
  }[];
  createdAt: string;
}

/** Spreadsheet imports of the caller's jurisdiction (DESIGN §17); the reading and writing run in the worker. */
@Injectable()
export class ImportService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly taxonomy: TaxonomyService,
    private readonly outbox: OutboxService,
  ) {}

  checkEntity(entity: unknown, forImport: boolean): ImportEntity {
    const allowed = forImport ? IMPORTABLE_ENTITIES : IMPORT_ENTITIES;
    if (typeof entity !== 'string' || !allowed.includes(entity as ImportEntity)) {
      throw fieldError('entity', `must be one of ${allowed.join(', ')}`);
    }
    return entity as ImportEntity;
  }

  /**
   * Leads and enterprises are imported by managers and admins (a bulk push); parks by every user,
   * as POST and PATCH /parks allow (DESIGN §5: the park's own jurisdiction decides, row by row).
   */
  private mayImport(ctx: RequestContext, entity: ImportEntity): boolean {
    return entity === 'park' || ctx.actor.type !== 'user' || ctx.actor.role !== 'officer';
  }

  async template(entity: ImportEntity): Promise<Buffer> {
    return buildTemplate(entity, await this.taxonomy.graph());
  }

  /** Stores the file and queues its reading; nothing of the file is written anywhere else. */
  async create(
    ctx: RequestContext,
    entity: ImportEntity,
    fileName: string,
    file: Buffer,
  ): Promise<ImportView> {
    if (ctx.actor.type === 'system') throw fieldError('actor', 'imports need a user or an API key');
    if (!this.mayImport(ctx, entity))
      throw forbidden('ROLE_REQUIRED', `Importing ${entity}s needs the role manager or admin`);
    const name = (fileName || 'upload').slice(0, 200);
    if (!file.length) throw fieldError('file', 'the file is empty');
    const format = formatOf(name, file.subarray(0, 4));
    if (!format) {
      throw new AppError(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        'UNSUPPORTED_FILE',
        'file must be .xlsx or .csv',
        [{ field: 'file', message: 'must be an .xlsx workbook or a .csv file (UTF-8 or GB18030)' }],
      );
    }
    const id = await this.ds.transaction(async (em) => {
      const [row] = (await sqlRows(
        em,
        `INSERT INTO imports (jurisdiction, entity, file_name, format, file, actor, status)
         VALUES ($1, $2, $3, $4, $5, $6, 'queued') RETURNING id`,
        [
          ctx.jurisdiction,
          entity,
          name,
          format,
          file,
          JSON.stringify({ actor: ctx.actor, requestId: ctx.requestId, locale: ctx.locale }),
        ],
      )) as { id: string }[];
      await this.outbox.enqueue(em, 'import-preview', { importId: row.id }, `import-preview:${row.id}`);
      return row.id;
    });
    return this.get(ctx, id);
  }

  private async load(ctx: RequestContext, id: string): Promise<ImportRecord> {
    if (!isUuid(id)) throw notFound('import');
    const imp = await sqlOne<ImportRecord>(
      this.ds,
      `SELECT id, jurisdiction, entity, file_name, format, actor, status, progress, headers, counts,
              commit_counts, failure, created_at FROM imports WHERE id = $1 AND jurisdiction = $2`,
      [id, ctx.jurisdiction],
    );
    // An officer's imports are park imports; the others are not theirs to see.
    if (!imp || !this.mayImport(ctx, imp.entity)) throw notFound('import');
    return imp;
  }

  async get(ctx: RequestContext, id: string): Promise<ImportView> {
    const imp = await this.load(ctx, id);
    const settled = !['queued', 'reading'].includes(imp.status);
    const errors = settled
      ? await sqlRows<RowError>(
          this.ds,
          `SELECT r.row_no AS row, e->>'column' AS column, e->>'message' AS message
             FROM import_rows r CROSS JOIN LATERAL jsonb_array_elements(r.errors) e
            WHERE r.import_id = $1 ORDER BY r.row_no`,
          [id],
        )
      : [];
    const collisions = settled
      ? await sqlRows<ImportView['collisions'][number]>(
          this.ds,
          `SELECT r.row_no AS row, c->>'otherJurisdiction' AS "otherJurisdiction", c->>'basis' AS basis,
                  (c->>'similarity')::float8 AS similarity, c->>'firstReportedBy' AS "firstReportedBy"
             FROM import_rows r CROSS JOIN LATERAL jsonb_array_elements(r.collisions) c
            WHERE r.import_id = $1 ORDER BY r.row_no`,
          [id],
        )
      : [];
    const preview = settled
      ? await sqlRows<{
          row_no: number;
          outcome: string;
          written: string | null;
          cells: unknown[];
          errors: { column: string; message: string }[];
        }>(
          this.ds,
          `SELECT row_no, outcome, written, cells, errors FROM import_rows WHERE import_id = $1 ORDER BY row_no LIMIT ${PREVIEW_ROWS}`,
          [id],
        )
      : [];
    return {
      id: imp.id,
      entity: imp.entity,
      fileName: imp.file_name,
      format: imp.format,
      status: imp.status,
      progress: imp.progress,
      columns: imp.headers.columns ?? [],
      ignoredColumns: imp.headers.ignored ?? [],
      counts: imp.counts,
      commitCounts: imp.commit_counts,
      failure: imp.failure,
      errors,
      collisions,
      preview: preview.map((p) => ({
        row: p.row_no,
        outcome: p.outcome,
        written: p.written,
        cells: p.cells,
        errors: p.errors.map((e) => ({ column: e.column, message: e.message })),
      })),
      createdAt: new Date(imp.created_at).toISOString(),
    };
  }

  /** Queues the writing of the valid rows; only a finished preview can be committed, once. */
  async commit(ctx: RequestContext, id: string): Promise<ImportView> {
    const imp = await this.load(ctx, id);
    const done = await this.ds.transaction(async (em) => {
      const rows = await sqlRows(
        em,
        `UPDATE imports SET status = 'committing', updated_at = now(),
                progress = jsonb_build_object('phase', 'commit', 'rows', 0, 'total', NULL)
          WHERE id = $1 AND jurisdiction = $2 AND status = 'ready' RETURNING id`,
        [imp.id, ctx.jurisdiction],
      );
      if (!rows.length) return false;
      await this.outbox.enqueue(em, 'import-commit', { importId: imp.id }, `import-commit:${imp.id}`);
      return true;
    });
    if (!done) {
      throw conflict(
        'IMPORT_NOT_READY',
        `the import is ${imp.status}; only a finished preview (ready) can be committed`,
        {
          status: imp.status,
        },
      );
    }
    return this.get(ctx, id);
  }

  /** The file's rows with the outcome and the errors of each beside it, as a workbook (streamed). */
  async writeResult(ctx: RequestContext, id: string, out: Writable): Promise<void> {
    const imp = await this.load(ctx, id);
    if (['queued', 'reading'].includes(imp.status)) {
      throw conflict('IMPORT_NOT_READY', 'the file is still being read', { status: imp.status });
    }
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: out,
      useSharedStrings: false,
      useStyles: true,
    });
    const ws = wb.addWorksheet('导入结果');
    const headers = imp.headers.columns ?? [];
    const head = ws.addRow([...headers, '结果', '错误']);
    head.font = { bold: true };
    head.commit();
    if (imp.status === 'failed') {
      ws.addRow([imp.failure ?? '']).commit();
    }
    let after = 0;
    for (;;) {
      const rows = await sqlRows<{
        row_no: number;
        cells: unknown[];
        outcome: string;
        written: string | null;
        errors: RowError[];
      }>(
        this.ds,
        `SELECT row_no, cells, outcome, written, errors FROM import_rows
          WHERE import_id = $1 AND row_no > $2 ORDER BY row_no LIMIT 1000`,
        [id, after],
      );
      if (!rows.length) break;
      after = rows[rows.length - 1].row_no;
      for (const r of rows) {
        const cells = headers.map((_, i) => escapeFormula(r.cells[i] ?? null));
        const errors = r.errors.map((e) => (e.column ? `${e.column}: ${e.message}` : e.message)).join('；');
        const row = ws.addRow([
          ...cells,
          OUTCOME_NAMES[r.written ?? r.outcome] ?? r.written ?? r.outcome,
          errors,
        ]);
        if (errors) row.getCell(headers.length + 2).font = { color: { argb: 'FFC00000' } };
        row.commit();
      }
    }
    ws.commit();
    await wb.commit();
  }
}
