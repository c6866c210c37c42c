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

/**
 * JSON text that is already the response body (rendered by Postgres on read hot paths). A handler
 * returning it declares `@Header('Content-Type', JSON_CONTENT_TYPE)`; Fastify then sends it as is.
 */
export type JsonText = string & { readonly __jsonText: unique symbol };
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** A Page<T> whose items are JSON texts, written out without parsing them. */
export function renderedPage(items: string[], nextCursor: string | null): JsonText {
  return `{"items":[${items.join(',')}],"nextCursor":${JSON.stringify(nextCursor)}}` as JsonText;
}

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
