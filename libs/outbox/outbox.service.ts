import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { JobName, JobPayloads } from '../jobs/jobs';
import { sqlRows } from '../db/sql';

export const OUTBOX_CHANNEL = 'lc_outbox';

/**
 * The SQL pieces of set-based writers that queue jobs in a statement of their own:
 * `${OUTBOX_INSERT} SELECT kind, dedupe_key, payload …`, then OUTBOX_WAKE_SQL (the relay listens).
 */
export const OUTBOX_INSERT = `INSERT INTO outbox (kind, dedupe_key, payload)`;
export const OUTBOX_WAKE_SQL = `SELECT pg_notify('${OUTBOX_CHANNEL}', '')`;

/**
 * Transactional outbox (DESIGN §12): a write that must cause a job records it here in the same
 * transaction. The worker's relay moves rows into BullMQ with `jobId = dedupeKey`.
 */
@Injectable()
export class OutboxService {
  async enqueue<N extends JobName>(
    em: EntityManager,
    job: N,
    payload: JobPayloads[N],
    dedupeKey: string,
  ): Promise<void> {
    await sqlRows(em, `${OUTBOX_INSERT} VALUES ($1, $2, $3)`, [job, dedupeKey, payload]);
    await sqlRows(em, `SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]);
  }

  /** Set-based form for bulk writes. */
  async enqueueMany<N extends JobName>(
    em: EntityManager,
    job: N,
    items: { payload: JobPayloads[N]; dedupeKey: string }[],
  ): Promise<void> {
    if (!items.length) return;
    await sqlRows(
      em,
      `${OUTBOX_INSERT}
       SELECT $1, k, p FROM unnest($2::text[], $3::jsonb[]) AS t(k, p)`,
      [job, items.map((i) => i.dedupeKey), items.map((i) => JSON.stringify(i.payload))],
    );
    await sqlRows(em, `SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]);
  }
}
