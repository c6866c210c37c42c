import { sqlRows } from '../../../libs/db/sql';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../../libs/config/config';
import { JobName, RETRY, bullJobId } from '../../../libs/jobs/jobs';
import { outboxLag, outboxPending } from '../../../libs/platform/metrics';
import { QueueRegistry } from '../../../libs/platform/queues';
import { OUTBOX_CHANNEL } from '../../../libs/outbox/outbox.service';

const BATCH = 500;
const POLL_MS = 1_000;

interface OutboxRow {
  id: string;
  kind: JobName;
  dedupe_key: string;
  payload: Record<string, unknown>;
}

/**
 * Moves outbox rows into BullMQ (DESIGN §12). Rows are claimed with FOR UPDATE SKIP LOCKED so
 * several workers can relay at once; a row is marked relayed only after the queue (Redis, or
 * BullMQ's PostgreSQL backend: QUEUE_BACKEND) accepted its job, in the same transaction that
 * claimed it. `jobId = dedupe_key` makes a re-relay harmless.
 * LISTEN/NOTIFY only wakes the loop early; polling is the record.
 */
@Injectable()
export class OutboxRelay implements OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private wake: (() => void) | null = null;
  private listener: Client | null = null;
  private loop: Promise<void> | null = null;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  start(queues: QueueRegistry): void {
    if (this.running) return;
    this.running = true;
    void this.listen();
    this.loop = this.run(queues);
  }

  /** Relays one batch; returns how many rows moved. */
  async relayOnce(queues: QueueRegistry): Promise<number> {
    return this.ds.transaction(async (em) => {
      const rows: OutboxRow[] = await sqlRows(
        em,
        `SELECT id, kind, dedupe_key, payload FROM outbox WHERE relayed_at IS NULL
          ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [BATCH],
      );
      if (!rows.length) return 0;
      const byQueue = new Map<string, OutboxRow[]>();
      for (const r of rows) {
        const q = queues.queueFor(r.kind).name;
        (byQueue.get(q) ?? byQueue.set(q, []).get(q)!).push(r);
      }
      for (const group of byQueue.values()) {
        await queues.queueFor(group[0].kind).addBulk(
          group.map((r) => ({
            name: r.kind,
            data: r.payload,
            opts: { jobId: bullJobId(r.dedupe_key), ...jobOptions(r) },
          })),
        );
      }
      await sqlRows(em, `UPDATE outbox SET relayed_at = now() WHERE id = ANY($1::bigint[])`, [
        rows.map((r) => r.id),
      ]);
      return rows.length;
    });
  }

  private async run(queues: QueueRegistry): Promise<void> {
    let backoff = POLL_MS;
    while (this.running) {
      try {
        const moved = await this.relayOnce(queues);
        backoff = POLL_MS;
        await this.updateLag();
        if (moved === BATCH) continue;
      } catch (e) {
        // The queue or Postgres down: nothing is lost (rows stay unrelayed); try again later.
        this.logger.warn(`outbox relay paused: ${(e as Error).message}`);
        backoff = Math.min(backoff * 2, 10_000);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoff);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  private async updateLag(): Promise<void> {
    const [row] = await sqlRows(
      this.ds,
      `SELECT count(*)::int AS pending, COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float AS lag
         FROM outbox WHERE relayed_at IS NULL`,
    );
    outboxPending.set(row.pending);
    outboxLag.set(row.lag);
  }

  private async listen(): Promise<void> {
    try {
      const client = new Client({ connectionString: this.config.databaseUrl });
      client.on('error', () => undefined);
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      client.on('notification', () => this.wake?.());
      this.listener = client;
    } catch (e) {
      this.logger.warn(`LISTEN unavailable, polling only: ${(e as Error).message}`);
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.listener?.end().catch(() => undefined);
    this.listener = null;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }
}

/** Per-job options the relay adds: match jobs wait briefly so quick edits collapse (debounce). */
function jobOptions(row: OutboxRow): Record<string, unknown> {
  if (row.kind === 'match-lead') return { delay: 250 };
  if (row.kind === 'rematch-affected') return { delay: 1_000 };
  // A mail server or WeCom outage: retried for a day, like webhooks (DESIGN §18).
  if (row.kind === 'deliver-notification') return { ...RETRY.webhook };
  return {};
}
