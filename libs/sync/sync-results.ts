import type { LeadCollision } from '../collisions/collision-detector';
import type { FieldError } from '../common/errors';
import type { RequestContext } from '../common/request-context';
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

/** Postgres errors worth retrying the whole batch for (lock order between concurrent batches). */
export function isRetryable(e: unknown): boolean {
  const code =
    (e as { code?: string; driverError?: { code?: string } })?.code ??
    (e as { driverError?: { code?: string } })?.driverError?.code;
  return code === '40P01' || code === '40001';
}

export function actorColumns(ctx: RequestContext): [string, string | null, string] {
  const a = ctx.actor;
  return [a.type, a.id, a.type === 'user' ? a.username : a.name];
}

/** A JSON-safe comparison of two values as the API would render them. */
export function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
