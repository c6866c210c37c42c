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
