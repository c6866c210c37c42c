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
  /** Compute matches for one lead version. Stale versions are skipped by the handler. */
  'match-lead': { leadId: string; version: number };
  /** Base data changed: re-match the leads it can affect. */
  'rematch-affected': { entity: 'enterprise' | 'park'; id: string; version: number };
  /** Admin-triggered full re-match with progress. */
  'rematch-all': { requestedBy: string | null; jurisdiction: string | null };
  /** Fan an outbox event out to the matching webhook subscriptions. */
  'dispatch-event': { eventId: string };
  /** Deliver one event to one subscription (retried with back-off). */
  'deliver-webhook': { deliveryId: string };
}
export type JobName = keyof JobPayloads;

export const JOB_QUEUE: { [N in JobName]: QueueName } = {
  'match-lead': QUEUES.matching,
  'rematch-affected': QUEUES.matching,
  'rematch-all': QUEUES.maintenance,
  'dispatch-event': QUEUES.webhooks,
  'deliver-webhook': QUEUES.webhooks,
};

export const JOB_NAMES = Object.keys(JOB_QUEUE) as JobName[];

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
      case 'rematch-affected':
        return (
          (d.entity === 'enterprise' || d.entity === 'park') && isUuid(d.id) && Number.isInteger(d.version)
        );
      case 'rematch-all':
        return d.requestedBy === null || isUuid(d.requestedBy);
      case 'dispatch-event':
        return typeof d.eventId === 'string' && d.eventId.length > 0;
      case 'deliver-webhook':
        return isUuid(d.deliveryId);
      default:
        return false;
    }
  })();
  if (!ok) throw new Error(`invalid payload for ${name}: ${JSON.stringify(data)}`);
  return d as JobPayloads[N];
}
