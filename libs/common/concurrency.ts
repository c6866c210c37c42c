import { HttpStatus } from '@nestjs/common';
import { AppError } from './errors';

/** ETag value for a record version (DESIGN §11: `ETag: "<version>"`). */
export function etag(version: number): string {
  return `"${version}"`;
}

/**
 * The version an `If-Match` header names. PATCH needs it (DESIGN §11): missing → 428,
 * malformed → 400 naming the header. Accepts `"3"`, `3` and weak `W/"3"`.
 */
export function parseIfMatch(header: string | string[] | undefined): number {
  const raw = Array.isArray(header) ? header[0] : header;
  if (raw === undefined || raw.trim() === '') {
    throw new AppError(
      HttpStatus.PRECONDITION_REQUIRED,
      'PRECONDITION_REQUIRED',
      'If-Match header required: send the ETag of the version you edited',
      [{ field: 'If-Match', message: 'required' }],
    );
  }
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(raw);
  if (!m || Number(m[1]) < 1) {
    throw new AppError(HttpStatus.BAD_REQUEST, 'INVALID_IF_MATCH', 'If-Match must be an ETag like "3"', [
      { field: 'If-Match', message: 'must be an ETag like "3"' },
    ]);
  }
  return Number(m[1]);
}

/** 412 with the current version, so the client can reload and retry. */
export function preconditionFailed(currentVersion: number): AppError {
  return new AppError(
    HttpStatus.PRECONDITION_FAILED,
    'VERSION_MISMATCH',
    `The record changed since you loaded it (current version ${currentVersion})`,
    undefined,
    { currentVersion },
  );
}
