import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { fieldError } from './errors';

/** `?limit=&cursor=` of DESIGN §11: keyset pagination with an opaque cursor. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page’s nextCursor', maxLength: 512 })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/** Decodes a cursor made by encodeCursor; a malformed one is a 400 naming `cursor`. */
export function decodeCursor(cursor: string | undefined, arity: number): unknown[] | null {
  if (cursor === undefined || cursor === '') return null;
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(values) && values.length === arity) return values;
  } catch {
    /* fall through */
  }
  throw fieldError('cursor', 'malformed cursor', 'INVALID_CURSOR');
}

export const DEFAULT_PAGE_SIZE = 50;

/** Builds a page from rows fetched with LIMIT n+1. */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  keyOf: (r: R) => unknown[],
  map: (r: R) => T,
): Page<T> {
  const more = rows.length > limit;
  const slice = more ? rows.slice(0, limit) : rows;
  return {
    items: slice.map(map),
    nextCursor: more ? encodeCursor(keyOf(slice[slice.length - 1])) : null,
  };
}
