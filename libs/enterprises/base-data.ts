import { sqlRows } from '../db/sql';
import { Transform } from 'class-transformer';
import { ValidateBy, ValidationOptions } from 'class-validator';
import { DataSource, EntityManager } from 'typeorm';
import { AppError, FieldError, badRequest } from '../common/errors';
import type { TaxonomyGraph } from '../taxonomy/taxonomy';
import { isValidUscc } from '../uscc/uscc';

/**
 * Helpers shared by the two kinds of shared base data (DESIGN §5): enterprises and parks.
 */

/** `?flag=true|false` → boolean; anything else stays as given so @IsBoolean names the field. */
export const QueryBoolean = () =>
  Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value));

/** Trims a string, leaves other values for the type validators to refuse. */
export const Trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

/** USCCs are upper case; accept a trimmed lower-case one from a partner system. */
export const NormalizeUscc = () =>
  Transform(({ value }) => (typeof value === 'string' ? value.trim().toUpperCase() : value));

/** A valid USCC (GB 32100-2015, check character included); null/undefined are left to @IsOptional. */
export function IsUscc(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isUscc',
      validator: {
        validate: (v: unknown) => isValidUscc(v),
        defaultMessage: () => 'must be a valid 18-character USCC (统一社会信用代码) with its check character',
      },
    },
    options,
  );
}

/** Field errors for segment codes that the taxonomy does not know (`segments[1]`, …). */
export function unknownSegments(graph: TaxonomyGraph, codes: readonly string[] | undefined, field: string) {
  const out: FieldError[] = [];
  (codes ?? []).forEach((code, i) => {
    if (!graph.hasSegment(code)) out.push({ field: `${field}[${i}]`, message: `unknown segment ${code}` });
  });
  return out;
}

export function throwIfInvalid(errors: FieldError[]): void {
  if (errors.length) throw validationFailed(errors);
}

/** The 400 that names every invalid field. */
export function validationFailed(errors: FieldError[]): AppError {
  const fields = [...new Set(errors.map((e) => e.field))];
  return badRequest('VALIDATION_FAILED', `Invalid fields: ${fields.join(', ')}`, errors);
}

/** Removes duplicates, keeping the first occurrence's order. */
export function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** `a%b_c` → `a\%b\_c`, for a literal substring inside ILIKE. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** numeric columns arrive as strings from pg. */
export function num(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

/**
 * Word-similarity threshold of fuzzy name search. pg_trgm's default (0.6) misses everyday Chinese
 * queries: every character counts in a CJK trigram, so 传感器产业基地 scores 0.375 against
 * 重庆市传感器特色产业基地 and 重庆传感科技 0.36 against 重庆某某传感科技有限公司.
 */
export const FUZZY_WORD_THRESHOLD = 0.3;

/** Runs a fuzzy search with FUZZY_WORD_THRESHOLD for the `<%` operator (SET LOCAL: this transaction only). */
export function withFuzzyThreshold<T>(ds: DataSource, work: (em: EntityManager) => Promise<T>): Promise<T> {
  return ds.transaction(async (em) => {
    await sqlRows(em, `SELECT set_config('pg_trgm.word_similarity_threshold', $1, true)`, [
      String(FUZZY_WORD_THRESHOLD),
    ]);
    return work(em);
  });
}

/**
 * Fuzzy name search with pg_trgm (DESIGN §11 `q`): a row matches when its name contains the text
 * or is word-similar to it (`<%` with FUZZY_WORD_THRESHOLD, served by the trigram GIN index); rank by word similarity.
 * Word similarity (not plain similarity) so a short query like 传感科技 finds 重庆某某传感科技.
 */
export function fuzzyMatch(
  column: string,
  qParam: string,
  likeParam: string,
): { where: string; score: string } {
  return {
    where: `(${column} ILIKE ${likeParam} OR ${qParam} <% ${column})`,
    score: `word_similarity(${qParam}, ${column})::real`,
  };
}
