import { BadRequestException } from '@nestjs/common';
import type { FieldError } from '../common/errors';
import { MAX_SYNC_ITEMS } from './sync-results';

/**
 * The envelope `{items: [...]}` of a bulk upsert, checked by hand instead of by the global
 * ValidationPipe: the items are validated one by one by the sync services (one bad item never
 * rejects the others), and class-transformer walking 1,000 nested plain objects only to hand them
 * on unchanged was a quarter of the API's CPU time per batch. Same 400 as the pipe: unknown
 * top-level fields and a missing, non-array or oversized `items` are named in `details`.
 */
export function syncItemsOf(body: unknown): unknown[] {
  const details: FieldError[] = [];
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    details.push({ field: 'items', message: 'items must be an array' });
  } else {
    for (const k of Object.keys(body))
      if (k !== 'items') details.push({ field: k, message: 'unknown field' });
    const items = (body as { items?: unknown }).items;
    if (!Array.isArray(items)) details.push({ field: 'items', message: 'items must be an array' });
    else if (items.length > MAX_SYNC_ITEMS)
      details.push({ field: 'items', message: `at most ${MAX_SYNC_ITEMS} items per request` });
  }
  if (details.length) {
    const fields = [...new Set(details.map((d) => d.field))];
    throw new BadRequestException({
      code: 'VALIDATION_FAILED',
      message: `Invalid fields: ${fields.join(', ')}`,
      details,
    });
  }
  return (body as { items: unknown[] }).items;
}
