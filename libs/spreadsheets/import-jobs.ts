import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { RequestContext } from '../common/request-context';
import { partnerOf } from '../common/request-context';
import { sqlOne, sqlRows } from '../db/sql';
import type { ItemResult } from '../sync/sync-results';
import { TaxonomyService } from '../taxonomy/taxonomy.service';
import { CellValue, cellText } from './cells';
import { MappedColumn, columnOfField, mapHeaders, rowKey, rowToItem, segmentLookup } from './columns';
import { MAX_IMPORT_ROWS, SheetTooLongError, readSheet } from './file-reader';
import { IMPORT_BATCH, ImportRecord, RowOutcome } from './import';
import { ImportWriter } from './import-writer';

const OUTCOME: Record<ItemResult['status'], RowOutcome> = {
  created: 'create',
  updated: 'update',
  unchanged: 'unchanged',
  error: 'error',
};

interface PendingRow {
  rowNo: number;
  cells: CellValue[];
  item: Record<string, unknown>;
  /** An error found before the write path (a duplicate row of the file). */
  errors: { column: string; field: string; message: string }[];
}

/**
 * The import jobs in the worker (DESIGN §17): `import-preview` reads the stored file streaming,
 * maps every row to a sync item and dry-runs the sync write batch by batch, storing each row's
 * outcome; `import-commit` writes the rows that passed, one transaction per batch.
 */
@Injectable()
export class ImportJobs {
  private readonly logger = new Logger(ImportJobs.name);

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly taxonomy: TaxonomyService,
    private readonly writer: ImportWriter,
  ) {}

  private async load(importId: string): Promise<ImportRecord | undefined> {
    return sqlOne<ImportRecord>(
      this.ds,
      `SELECT id, jurisdiction, entity, file_name, format, actor, status, progress, headers, counts,
              commit_counts, failure, created_at FROM imports WHERE id = $1`,
      [importId],
    );
  }

  private contextOf(imp: ImportRecord): RequestContext {
    return {
      requestId: imp.actor.requestId,
      actor: imp.actor.actor,
      jurisdiction: imp.jurisdiction,
      partner: partnerOf(imp.jurisdiction),
      locale: imp.actor.locale,
    };
  }

  private write(imp: ImportRecord, items: unknown[], dryRun: boolean): Promise<ItemResult[]> {
    const ctx = this.contextOf(imp);
    if (imp.entity === 'lead') return this.writer.writeLeadBatch(ctx, items, { dryRun });
    if (imp.entity === 'park') return this.writer.writeParkBatch(ctx, items, { dryRun });
    return this.writer.writeEnterpriseBatch(ctx, items, { dryRun });
  }

  async preview(importId: string): Promise<void> {
    const imp = await this.load(importId);
    if (!imp || !['queued', 'reading'].includes(imp.status)) return;
    await sqlRows(
      this.ds,
      `UPDATE imports SET status = 'reading', progress = '{"phase":"read","rows":0,"total":null}', updated_at = now() WHERE id = $1`,
      [importId],
    );
    await sqlRows(this.ds, `DELETE FROM import_rows WHERE import_id = $1`, [importId]);
    const [{ file }] = await sqlRows<{ file: Buffer }>(this.ds, `SELECT file FROM imports WHERE id = $1`, [
      importId,
    ]);
    const segments = segmentLookup(await this.taxonomy.graph());
    let mapped: MappedColumn[] | null = null;
    let batch: PendingRow[] = [];
    const seen = new Map<string, number>();
    let rows = 0;
    try {
      for await (const { rowNo, cells } of readSheet(file, imp.format)) {
        if (!mapped) {
          const headers = cells.map((c) => cellText(c).trim());
          const m = mapHeaders(imp.entity, headers);
          if (!m.mapped.length) throw new Error('没有可识别的列名 (no known column header in the first row)');
          mapped = m.mapped;
          await sqlRows(this.ds, `UPDATE imports SET headers = $2 WHERE id = $1`, [
            importId,
            JSON.stringify({ ignored: m.ignored, columns: headers }),
          ]);
          continue;
        }
        if (++rows > MAX_IMPORT_ROWS) throw new SheetTooLongError();
        const item = rowToItem(imp.entity, cells, mapped, segments);
        const errors: PendingRow['errors'] = [];
        const key = rowKey(imp.entity, item);
        if (key) {
          const first = seen.get(key);
          if (first !== undefined) {
            const field = key.startsWith('uscc:') ? 'uscc' : key.startsWith('name:') ? 'name' : 'externalRef';
            errors.push({
              field,
              column: columnOfField(field, mapped, imp.entity),
              message: `与第 ${first} 行是同一条记录 (duplicate of row ${first})`,
            });
          } else seen.set(key, rowNo);
        }
        batch.push({ rowNo, cells, item, errors });
        if (batch.length >= IMPORT_BATCH) {
          await this.previewBatch(imp, batch, mapped);
          batch = [];
          await sqlRows(
            this.ds,
            `UPDATE imports SET progress = jsonb_set(progress, '{rows}', to_jsonb($2::int)) WHERE id = $1`,
            [importId, rows],
          );
        }
      }
      if (!mapped) throw new Error('文件是空的 (the file has no rows)');
      if (batch.length) await this.previewBatch(imp, batch, mapped);
    } catch (e) {
      const message =
        e instanceof SheetTooLongError
          ? `文件超过 ${MAX_IMPORT_ROWS} 行 (${e.message})`
          : (e as Error).message;
      this.logger.warn(`import ${importId} failed: ${message}`);
      await sqlRows(
        this.ds,
        `UPDATE imports SET status = 'failed', failure = $2, updated_at = now() WHERE id = $1`,
        [importId, message.slice(0, 500)],
      );
      await sqlRows(this.ds, `DELETE FROM import_rows WHERE import_id = $1`, [importId]);
      return;
    }
    await sqlRows(
      this.ds,
      `UPDATE imports SET status = 'ready', updated_at = now(),
              progress = jsonb_build_object('phase', 'read', 'rows', $2::int, 'total', $2::int),
              counts = (SELECT jsonb_build_object(
                 'create', count(*) FILTER (WHERE outcome = 'create'),
                 'update', count(*) FILTER (WHERE outcome = 'update'),
                 'unchanged', count(*) FILTER (WHERE outcome = 'unchanged'),
                 'error', count(*) FILTER (WHERE outcome = 'error'))
                 FROM import_rows WHERE import_id = $1)
        WHERE id = $1`,
      [importId, rows],
    );
  }

  /** Dry-runs the rows that are not already in error and stores every row's outcome. */
  private async previewBatch(imp: ImportRecord, batch: PendingRow[], mapped: MappedColumn[]): Promise<void> {
    const clean = batch.filter((r) => !r.errors.length);
    const results = clean.length
      ? await this.write(
          imp,
          clean.map((r) => r.item),
          true,
        )
      : [];
    const out = batch.map((r) => ({ r, result: null as ItemResult | null }));
    let i = 0;
    for (const o of out) if (!o.r.errors.length) o.result = results[i++];
    const rows = out.map(({ r, result }) => {
      const errors = r.errors.length
        ? r.errors
        : (result?.errors ?? []).map((e) => ({
            field: e.field,
            column: columnOfField(e.field, mapped, imp.entity),
            message: e.message,
          }));
      return {
        row_no: r.rowNo,
        cells: r.cells.map((c) => (c instanceof Date ? c.toISOString().slice(0, 10) : c)),
        item: r.item,
        outcome: errors.length ? 'error' : OUTCOME[result!.status],
        errors,
        collisions: result?.collisions ?? [],
      };
    });
    await sqlRows(
      this.ds,
      `INSERT INTO import_rows (import_id, row_no, cells, item, outcome, errors, collisions)
       SELECT $1, r.row_no, r.cells, r.item, r.outcome, r.errors, r.collisions
         FROM jsonb_to_recordset($2::jsonb) AS r(row_no int, cells jsonb, item jsonb, outcome text, errors jsonb, collisions jsonb)`,
      [imp.id, JSON.stringify(rows)],
    );
  }

  async commit(importId: string): Promise<void> {
    const imp = await this.load(importId);
    if (!imp || imp.status !== 'committing') return;
    const total = Number(
      (
        await sqlOne<{ n: string }>(
          this.ds,
          `SELECT count(*) AS n FROM import_rows WHERE import_id = $1 AND outcome <> 'error'`,
          [importId],
        )
      )?.n ?? 0,
    );
    let done = Number(
      (
        await sqlOne<{ n: string }>(
          this.ds,
          `SELECT count(*) AS n FROM import_rows WHERE import_id = $1 AND outcome <> 'error' AND written IS NOT NULL`,
          [importId],
        )
      )?.n ?? 0,
    );
    const mapped = mapHeaders(imp.entity, imp.headers.columns ?? []).mapped;
    let failedBatches = 0;
    let after = 0;
    for (;;) {
      const batch = await sqlRows<{ row_no: number; item: Record<string, unknown> }>(
        this.ds,
        `SELECT row_no, item FROM import_rows
          WHERE import_id = $1 AND outcome <> 'error' AND written IS NULL AND row_no > $2
          ORDER BY row_no LIMIT ${IMPORT_BATCH}`,
        [importId, after],
      );
      if (!batch.length) break;
      after = batch[batch.length - 1].row_no;
      let updates: { row_no: number; written: string; record_id: string | null; errors: unknown[] }[];
      try {
        const results = await this.write(
          imp,
          batch.map((r) => r.item),
          false,
        );
        updates = batch.map((r, i) => ({
          row_no: r.row_no,
          written: results[i].status,
          record_id: results[i].id ?? null,
          errors: (results[i].errors ?? []).map((e) => ({
            field: e.field,
            column: columnOfField(e.field, mapped, imp.entity),
            message: e.message,
          })),
        }));
      } catch (e) {
        // The batch's transaction rolled back: nothing of it is written; every row says so.
        failedBatches++;
        this.logger.warn(`import ${importId}: batch after row ${after} failed: ${(e as Error).message}`);
        updates = batch.map((r) => ({
          row_no: r.row_no,
          written: 'failed',
          record_id: null,
          errors: [
            {
              field: '',
              column: '',
              message: `本批写入失败，未写入任何记录 (batch failed: ${(e as Error).message})`,
            },
          ],
        }));
      }
      done += batch.length;
      await this.ds.transaction(async (em) => {
        await sqlRows(
          em,
          `UPDATE import_rows t SET written = u.written, record_id = u.record_id,
                  errors = CASE WHEN jsonb_array_length(u.errors) > 0 THEN u.errors ELSE t.errors END
             FROM jsonb_to_recordset($2::jsonb) AS u(row_no int, written text, record_id uuid, errors jsonb)
            WHERE t.import_id = $1 AND t.row_no = u.row_no`,
          [importId, JSON.stringify(updates)],
        );
        await sqlRows(
          em,
          `UPDATE imports SET progress = jsonb_build_object('phase', 'commit', 'rows', $2::int, 'total', $3::int) WHERE id = $1`,
          [importId, done, total],
        );
      });
    }
    await sqlRows(
      this.ds,
      `UPDATE imports SET status = 'committed', updated_at = now(),
              commit_counts = (SELECT jsonb_build_object(
                 'created', count(*) FILTER (WHERE written = 'created'),
                 'updated', count(*) FILTER (WHERE written = 'updated'),
                 'unchanged', count(*) FILTER (WHERE written = 'unchanged'),
                 'error', count(*) FILTER (WHERE written IN ('error', 'failed')),
                 'failedBatches', $2::int)
                 FROM import_rows WHERE import_id = $1)
        WHERE id = $1`,
      [importId, failedBatches],
    );
  }
}
