import { v7 as uuidv7 } from 'uuid';
import { fieldError, notFound } from './errors';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(v: unknown): v is string {
  return typeof v === 'string' && UUID_RE.test(v);
}

/** A path id that is not a UUID cannot name a record: answer 404 like an unknown id. */
export function requireUuidPath(id: string, entity: string): string {
  if (!isUuid(id)) throw notFound(entity);
  return id.toLowerCase();
}

export function requireUuidField(v: unknown, field: string): string {
  if (!isUuid(v)) throw fieldError(field, 'must be a UUID');
  return v.toLowerCase();
}

/**
 * Id of a record created by a bulk upsert: a time-ordered UUID (version 7, RFC 9562), so a batch
 * appends at the right edge of every index that holds the id (the primary key, and the
 * jurisdiction / stage / sharing indexes of leads ordered by id) instead of touching a random leaf
 * page per row. On 100,000 pushed leads this cut Postgres CPU per 1,000 leads by about a tenth,
 * and by about a fifth when the table already held 1,000,000 leads (indexes larger than the
 * buffer cache). The id reveals when the record was created, which `createdAt` shows anyway.
 */
export const newRecordId = (): string => uuidv7();
