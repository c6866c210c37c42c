/**
 * Webhook retry timing (DESIGN §11): 30 s doubling, capped at 6 h; with RETRY.webhook's 20
 * attempts that spans more than 24 h. The base is configurable (`WEBHOOK_RETRY_BASE_MS`) so tests
 * can watch a retry happen without waiting; it is read at call time.
 */
export const WEBHOOK_RETRY_CAP_MS = 6 * 3600_000;
/** A subscription failing for this long without a single success is disabled. */
export const WEBHOOK_DISABLE_AFTER_MS = 24 * 3600_000;

export function webhookRetryBaseMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = Number(env.WEBHOOK_RETRY_BASE_MS);
  return Number.isFinite(raw) && raw > 0 ? raw : 30_000;
}

/** Delay before the retry that follows the `attemptsMade`-th failed attempt (1-based). */
export function webhookRetryDelay(attemptsMade: number, base = webhookRetryBaseMs()): number {
  return Math.min(base * 2 ** Math.max(0, attemptsMade - 1), WEBHOOK_RETRY_CAP_MS);
}
