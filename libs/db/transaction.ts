import { DataSource, EntityManager } from 'typeorm';

/** Runs `work` in the caller's transaction when there is one, else in a new one. */
export function inTransaction<T>(
  ds: DataSource,
  em: EntityManager | undefined,
  work: (em: EntityManager) => Promise<T>,
) {
  if (em?.queryRunner?.isTransactionActive) return work(em);
  return ds.transaction(work);
}
