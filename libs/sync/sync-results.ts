import type { LeadCollision } from '../leads/lead-writer';
import type { FieldError } from '../common/errors';
import type { ExternalRef } from './item-validation';

export type ItemStatus = 'created' | 'updated' | 'unchanged' | 'error';

export interface ItemResult {
  index: number;
  externalRef: ExternalRef | null;
  id?: string;
  status: ItemStatus;
  errors?: FieldError[];
  /** created / updated leads: the collisions this write opened (DESIGN §7, §11), empty when none. */
  collisions?: LeadCollision[];
}

export const MAX_SYNC_ITEMS = 1000;

export const refKeyOf = (r: ExternalRef) => `${r.system}\u0000${r.id}`;

/** A JSON-safe comparison of two values as the API would render them. */
export function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
