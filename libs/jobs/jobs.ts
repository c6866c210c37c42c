/**
 * The one registry of queues, job names and typed payloads (STYLE: "one typed job registry").
 * Names leave the process (Redis keys, Bull Board, metrics): changing one needs a migration plan.
 * Payloads carry ids only (DESIGN §12).
 */
export const QUEUES = {
  matching: 'matching',
  webhooks: 'webhooks',
  maintenance: 'maintenance',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface JobPayloads {
  /**
   * Compute the matches of one lead. `version` is the lead's match version when queued; the job
   * computes the current one (a job queued for an older version hands over, it never drops work).
   */
  'match-lead': { leadId: string; version: number };
  /** Periodic: re-queue leads whose match job got lost (scheduled by the worker, see SCHEDULES). */
  'match-sweep': Record<string, never>;
  /** Base data changed: re-match the leads it can affect. */
  'rematch-affected': { entity: 'enterprise' | 'park'; id: string; version: number };
  /** Admin-triggered full re-match with progress. */
  'rematch-all': { requestedBy: string | null; jurisdiction: string | null };
  /** Fan an outbox event out to the matching webhook subscriptions. */
  'dispatch-event': { eventId: string };
  /** Deliver one event to one subscription (retried with back-off). */
  'deliver-webhook': { deliveryId: string };
  /** Same-city duplicates among the leads of a bulk push (DESIGN §7). */
  'detect-duplicates': { jurisdiction: string; leadIds: string[] };
  /** Tell the users a domain event concerns (DESIGN §18; libs/notifications/notification-rules.ts). */
  'notify-event': { eventId: string };
  /**
   * Daily at 08:30 Asia/Shanghai (see SCHEDULES): reminders of due next actions, then the e-mail
   * digests. Idempotent per day: run twice, it tells once.
   */
  'notify-daily': Record<string, never>;
  /** Send one e-mail or WeCom message (retried with back-off; sent once). */
  'deliver-notification': { deliveryId: string };
  /** Read an uploaded spreadsheet and store its preview (DESIGN §17; libs/spreadsheets). */
  'import-preview': { importId: string };
  /** Write the valid rows of a previewed import, one transaction per batch. */
  'import-commit': { importId: string };
}
export type JobName = keyof JobPayloads;

/**
 * Outbox dedupe keys, which become BullMQ job ids: a second enqueue with the same key is the same
 * job. Stable strings (jobs in flight carry them). BullMQ accepts custom ids with at most three
 * ':'-separated parts.
 */
export const JOB_KEYS = {
  dispatchEvent: (eventId: string) => `dispatch-event:${eventId}`,
  notifyEvent: (eventId: string) => `notify-event:${eventId}`,
  /** One per bulk push (`batch` a fresh id): each push's duplicates are looked for once. */
  detectDuplicates: (batch: string) => `detect-duplicates:${batch}`,
  rematchAffected: (entity: 'enterprise' | 'park', id: string, version: number) =>
    `rematch-affected:${entity}:${id}:v${version}`,
  /** A lead's match job queued by a base-data change (`entity`, `id`, `version`: the change). */
  matchLeadAfter: (leadId: string, matchVersion: number, entity: string, id: string, version: number) =>
    `match-lead:${leadId}:m${matchVersion}-${entity}-${id}-v${version}`,
  /** `run` a UUID; `scope` a jurisdiction or `all`. */
  rematchAll: (run: string, scope: string) => `rematch-all:${run}:${scope}`,
  deliverNotification: (deliveryId: string) => `deliver-notification:${deliveryId}`,
} as const;

/** The same keys in SQL, for set-based writers (`id` a SQL expression). */
export const JOB_KEYS_SQL = {
  dispatchEvent: (id: string) => `'dispatch-event:' || ${id}`,
  notifyEvent: (id: string) => `'notify-event:' || ${id}`,
} as const;

/**
 * Transaction-scoped advisory locks (`pg_advisory_xact_lock`): who serialises with whom.
 * Numbers are fixed keys; `match` is a SQL expression of a lead id (a parameter or column).
 */
export const LOCKS = {
  /** Reference data loading (taxonomy seed). */
  referenceSeed: 727002,
  /** The demo seed. */
  demoSeed: 727003,
  /** The check-and-insert of collisions: two cities creating at once still collide (DESIGN §7). */
  collisions: 727100,
  /** A lead's matches: match jobs, decisions and withdrawals (no lost updates). */
  match: (leadId: string) => `hashtextextended('lc:match:' || ${leadId}::text, 0)`,
} as const;

export const JOB_QUEUE: { [N in JobName]: QueueName } = {
  'match-lead': QUEUES.matching,
  'match-sweep': QUEUES.matching,
  'rematch-affected': QUEUES.matching,
  'rematch-all': QUEUES.maintenance,
  'dispatch-event': QUEUES.webhooks,
  'deliver-webhook': QUEUES.webhooks,
  'detect-duplicates': QUEUES.maintenance,
  'notify-event': QUEUES.webhooks,
  'notify-daily': QUEUES.matching,
  'deliver-notification': QUEUES.webhooks,
  'import-preview': QUEUES.maintenance,
  'import-commit': QUEUES.maintenance,
};

export const JOB_NAMES = Object.keys(JOB_QUEUE) as JobName[];

/**
 * Jobs the worker schedules itself (BullMQ job schedulers: one job per interval across all
 * workers), with their interval from the configuration. On the matching queue, so a long
 * `rematch-all` on the maintenance queue never holds them up.
 */
export interface Schedule {
  job: JobName;
  /** An interval from the configuration, or a cron pattern in a time zone. */
  repeat: (config: { matchSweepMs: number }) => { every: number } | { pattern: string; tz: string };
}
export const SCHEDULES: Schedule[] = [
  { job: 'match-sweep', repeat: (c) => ({ every: c.matchSweepMs }) },
  // DESIGN §18: reminders at 08:30 in the cities' time zone.
  { job: 'notify-daily', repeat: () => ({ pattern: '30 8 * * *', tz: 'Asia/Shanghai' }) },
];

/** Retry and retention policy as named constants (DESIGN §12). */
export const RETRY = {
  default: { attempts: 5, backoff: { type: 'exponential' as const, delay: 1_000 } },
  /** ≥ 24 h of exponential back-off for webhooks (DESIGN §11): capped by the custom strategy. */
  webhook: { attempts: 20, backoff: { type: 'webhook' as const } },
};
export const RETENTION = {
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 50_000 },
};

export type JobHandler<N extends JobName> = (
  payload: JobPayloads[N],
  job: { id?: string; attemptsMade: number; updateProgress(p: number | object): Promise<void> },
) => Promise<unknown>;
export type JobHandlers = { [N in JobName]?: JobHandler<N> };

/** Startup fails when a registered job has no handler. */
export function assertHandlersComplete(handlers: JobHandlers, names: readonly JobName[] = JOB_NAMES): void {
  const missing = names.filter((n) => typeof handlers[n] !== 'function');
  if (missing.length) throw new Error(`No handler registered for job(s): ${missing.join(', ')}`);
}

/** Validates a payload read back from Redis before a handler trusts it. */
export function validatePayload<N extends JobName>(name: N, data: unknown): JobPayloads[N] {
  const isUuid = (v: unknown) => typeof v === 'string' && /^[0-9a-f-]{36}$/i.test(v);
  const d = (data ?? {}) as Record<string, unknown>;
  const ok = (() => {
    switch (name) {
      case 'match-lead':
        return isUuid(d.leadId) && Number.isInteger(d.version);
      case 'match-sweep':
      case 'notify-daily':
        return typeof data === 'object' && data !== null && !Object.keys(d).length;
      case 'rematch-affected':
        return (
          (d.entity === 'enterprise' || d.entity === 'park') && isUuid(d.id) && Number.isInteger(d.version)
        );
      case 'rematch-all':
        return d.requestedBy === null || isUuid(d.requestedBy);
      case 'dispatch-event':
        return typeof d.eventId === 'string' && d.eventId.length > 0;
      case 'deliver-webhook':
      case 'deliver-notification':
        return isUuid(d.deliveryId);
      case 'notify-event':
        return isUuid(d.eventId);
      case 'import-preview':
      case 'import-commit':
        return isUuid(d.importId);
      case 'detect-duplicates':
        return (
          typeof d.jurisdiction === 'string' &&
          Array.isArray(d.leadIds) &&
          d.leadIds.length <= 1000 &&
          d.leadIds.every(isUuid)
        );
      default:
        return false;
    }
  })();
  if (!ok) throw new Error(`invalid payload for ${name}: ${JSON.stringify(data)}`);
  return d as JobPayloads[N];
}

/**
 * The BullMQ job id of an outbox row's dedupe key. BullMQ refuses custom job ids containing ':'
 * unless they have exactly three parts ("Custom Id cannot contain :"), which failed whole relay
 * batches for `dispatch-event:<id>`. Other shapes keep their key with ':' replaced, still
 * deterministic.
 */
export function bullJobId(dedupeKey: string): string {
  return dedupeKey.includes(':') && dedupeKey.split(':').length !== 3
    ? dedupeKey.replace(/:/g, '|')
    : dedupeKey;
}
