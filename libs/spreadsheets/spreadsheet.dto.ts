import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { EnterpriseListQuery } from '../enterprises/enterprise.dto';
import { LeadListQuery } from '../leads/lead.dto';
import { MatchListQuery } from '../match-store/match.dto';
import { ParkListQuery } from '../parks/park.dto';
import { ActionItemListQuery } from '../cooperation/cooperation.dto';
import { IMPORT_ENTITIES } from './columns';
import { EXPORT_FORMATS } from './export';

export class TemplateQuery {
  @ApiProperty({ enum: IMPORT_ENTITIES })
  @IsIn(IMPORT_ENTITIES as unknown as string[])
  entity: string;
}

const FORMAT = { enum: EXPORT_FORMATS, default: 'xlsx' } as const;
export class LeadExportQuery extends LeadListQuery {
  @ApiProperty(FORMAT) @IsIn(EXPORT_FORMATS as unknown as string[]) format: 'xlsx' | 'csv';
}
export class EnterpriseExportQuery extends EnterpriseListQuery {
  @ApiProperty(FORMAT) @IsIn(EXPORT_FORMATS as unknown as string[]) format: 'xlsx' | 'csv';
}
export class ParkExportQuery extends ParkListQuery {
  @ApiProperty(FORMAT) @IsIn(EXPORT_FORMATS as unknown as string[]) format: 'xlsx' | 'csv';
}
export class MatchExportQuery extends MatchListQuery {
  @ApiProperty(FORMAT) @IsIn(EXPORT_FORMATS as unknown as string[]) format: 'xlsx' | 'csv';
}

export class ActionItemExportQuery extends ActionItemListQuery {
  @ApiProperty(FORMAT) @IsIn(EXPORT_FORMATS as unknown as string[]) format: 'xlsx' | 'csv';
}

export class ImportProgressDto {
  @ApiProperty({ enum: ['read', 'commit'] }) phase: string;
  @ApiProperty({ description: 'rows read (phase read) or written (phase commit) so far' }) rows: number;
  @ApiProperty({ type: Number, nullable: true, description: 'rows in all, once known' }) total: number | null;
}
export class ImportCountsDto {
  @ApiProperty() create: number;
  @ApiProperty() update: number;
  @ApiProperty() unchanged: number;
  @ApiProperty() error: number;
}
export class ImportCommitCountsDto {
  @ApiProperty() created: number;
  @ApiProperty() updated: number;
  @ApiProperty() unchanged: number;
  @ApiProperty() error: number;
  @ApiProperty({ description: 'batches whose transaction failed: none of their rows was written' })
  failedBatches: number;
}
export class ImportRowErrorDto {
  @ApiProperty({ description: 'row number in the file (the header is row 1)' }) row: number;
  @ApiProperty({ description: 'column header as in the file; empty for the whole row' }) column: string;
  @ApiProperty() message: string;
}
export class ImportCollisionDto {
  @ApiProperty() row: number;
  @ApiProperty() otherJurisdiction: string;
  @ApiProperty() basis: string;
  @ApiProperty() similarity: number;
  @ApiProperty() firstReportedBy: string;
}
export class ImportCellErrorDto {
  @ApiProperty() column: string;
  @ApiProperty() message: string;
}
export class ImportPreviewRowDto {
  @ApiProperty() row: number;
  @ApiProperty({ enum: ['create', 'update', 'unchanged', 'error'] }) outcome: string;
  @ApiProperty({ type: String, nullable: true, enum: ['created', 'updated', 'unchanged', 'error', 'failed'] })
  written: string | null;
  @ApiProperty({ type: 'array', items: {}, description: 'the cells of the row, in the order of `columns`' })
  cells: unknown[];
  @ApiProperty({ type: [ImportCellErrorDto] }) errors: ImportCellErrorDto[];
}
export class ImportViewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: IMPORT_ENTITIES }) entity: string;
  @ApiProperty() fileName: string;
  @ApiProperty({ enum: ['xlsx', 'csv'] }) format: string;
  @ApiProperty({ enum: ['queued', 'reading', 'ready', 'failed', 'committing', 'committed'] }) status: string;
  @ApiProperty({ type: ImportProgressDto }) progress: ImportProgressDto;
  @ApiProperty({ type: [String], description: 'the headers of the file' }) columns: string[];
  @ApiProperty({ type: [String], description: 'headers not recognised (their cells are not imported)' })
  ignoredColumns: string[];
  @ApiPropertyOptional({ type: ImportCountsDto, nullable: true }) counts: ImportCountsDto | null;
  @ApiPropertyOptional({ type: ImportCommitCountsDto, nullable: true })
  commitCounts: ImportCommitCountsDto | null;
  @ApiPropertyOptional({ type: String, nullable: true }) failure: string | null;
  @ApiProperty({ type: [ImportRowErrorDto], description: 'every error, by row and column' })
  errors: ImportRowErrorDto[];
  @ApiProperty({
    type: [ImportCollisionDto],
    description: 'collisions (撞单) the rows open with the partner city',
  })
  collisions: ImportCollisionDto[];
  @ApiProperty({ type: [ImportPreviewRowDto], description: 'the first 200 rows' })
  preview: ImportPreviewRowDto[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}
