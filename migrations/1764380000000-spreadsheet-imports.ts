import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Spreadsheet imports (DESIGN §17).
 * - `imports`: one uploaded file (kept in the database, so the API and the worker share no disk),
 *   its entity, owner jurisdiction and uploader, the job's status and progress, and the counts of
 *   the preview and of the commit.
 * - `import_rows`: one per data row of the file: the cells as read (for the result workbook), the
 *   sync item they map to, the preview outcome (`create` | `update` | `unchanged` | `error`), the
 *   errors by column and the collisions the row would open; after commit, what was written.
 */
export class SpreadsheetImports1764380000000 implements MigrationInterface {
  name = 'SpreadsheetImports1764380000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE imports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        jurisdiction text NOT NULL REFERENCES jurisdictions(code),
        entity text NOT NULL CHECK (entity IN ('lead','enterprise','park')),
        file_name text NOT NULL,
        format text NOT NULL CHECK (format IN ('xlsx','csv')),
        file bytea,
        actor jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('queued','reading','ready','failed','committing','committed')),
        progress jsonb NOT NULL DEFAULT '{"rows":0}',
        headers jsonb NOT NULL DEFAULT '[]',
        counts jsonb,
        commit_counts jsonb,
        failure text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX imports_jurisdiction_created ON imports (jurisdiction, created_at DESC)`);
    await q.query(`
      CREATE TABLE import_rows (
        import_id uuid NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
        row_no int NOT NULL,
        cells jsonb NOT NULL,
        item jsonb,
        outcome text NOT NULL CHECK (outcome IN ('create','update','unchanged','error')),
        errors jsonb NOT NULL DEFAULT '[]',
        collisions jsonb NOT NULL DEFAULT '[]',
        written text,
        record_id uuid,
        PRIMARY KEY (import_id, row_no)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE import_rows`);
    await q.query(`DROP TABLE imports`);
  }
}
