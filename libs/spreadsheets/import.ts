import type { Actor, Jurisdiction } from '../common/request-context';
import type { ImportEntity } from './columns';
import type { SheetFormat } from './file-reader';

/** Rows per write transaction, as a sync request (DESIGN §11: ≤ 1,000 items). */
export const IMPORT_BATCH = 1000;
/** Rows of the preview table in GET /imports/:id. */
export const PREVIEW_ROWS = 200;

export type ImportStatus = 'queued' | 'reading' | 'ready' | 'failed' | 'committing' | 'committed';
export type RowOutcome = 'create' | 'update' | 'unchanged' | 'error';

export interface RowError {
  row: number;
  /** The header of the column as the file names it; '' for the row as a whole. */
  column: string;
  message: string;
}

export interface RowCollision {
  otherJurisdiction: string;
  basis: string;
  similarity: number;
  firstReportedBy: string;
}

export interface ImportRecord {
  id: string;
  jurisdiction: Jurisdiction;
  entity: ImportEntity;
  file_name: string;
  format: SheetFormat;
  actor: { actor: Actor; requestId: string; locale: 'zh-CN' | 'en' };
  status: ImportStatus;
  progress: { phase: 'read' | 'commit'; rows: number; total: number | null };
  headers: { ignored: string[]; columns: string[] };
  counts: Record<RowOutcome, number> | null;
  commit_counts: {
    created: number;
    updated: number;
    unchanged: number;
    error: number;
    failedBatches: number;
  } | null;
  failure: string | null;
  created_at: Date;
}
