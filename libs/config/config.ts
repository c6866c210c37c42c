import { connect } from 'net';
import { NotificationChannels, notificationChannels } from './channel-config';

/**
 * Configuration from the environment (DESIGN.md §13), validated once at boot.
 * A wrong or missing value stops the process with a message naming the variable.
 */
export interface AppConfig {
  nodeEnv: string;
  databaseUrl: string;
  redisUrl: string;
  /**
   * Where the job queues live (QUEUE_BACKEND): `redis` (production: BullMQ on Redis) or `postgres`
   * (BullMQ's PostgreSQL backend in DATABASE_URL, schema QUEUE_SCHEMA; no Redis connection is
   * opened at all, rate limits count in PostgreSQL too). Unset: `redis` when REDIS_URL is set or a
   * Redis answers on 127.0.0.1:6379 at boot (`loadConfigAtBoot`), else `postgres`.
   */
  queueBackend: QueueBackend;
  /** QUEUE_SCHEMA: the PostgreSQL schema of the postgres queue backend (default `lc_queue`). */
  queueSchema: string;
  port: number;
  host: string;
  /**
   * JWT_SECRET, or null outside production when it is unset: a random key is then generated on
   * first start and kept in the database (libs/identity/signing-key.ts), never a published one.
   */
  jwtSecret: string | null;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  webhookAllowedHosts: string[];
  apiRateLimit: number;
  loginRateLimit: number;
  loginIpRateLimit: number;
  trustProxy: boolean;
  logLevel: string;
  queuePrefix: string;
  workerConcurrency: number;
  /**
   * How long a worker's hold on a running job lasts between renewals (BullMQ lockDuration), and
   * how often workers look for jobs whose holder died (stalledInterval): a crashed worker's jobs
   * run again after at most about twice this.
   */
  jobLockMs: number;
  /** How often the worker sweeps for leads whose match job got lost (MATCH_SWEEP_MS). */
  matchSweepMs: number;
  serveWeb: boolean;
  /**
   * Platform operators (OPERATORS, usernames): the admins who may act on the shared queue board
   * and re-match another city or all cities (DESIGN §11). A city's admin alone never can.
   */
  operators: string[];
  /** METRICS_TOKEN: the Bearer token /metrics asks for; unset: only loopback clients are answered. */
  metricsToken: string | null;
  /**
   * PUBLIC_URL: the address users open. `https://…` turns on HSTS, upgrade-insecure-requests and
   * Secure cookies; otherwise the UI works over plain HTTP on an intranet address (DESIGN §11).
   */
  publicUrl: string | null;
  /** Whether users reach this server over HTTPS (PUBLIC_URL is https://…). */
  https: boolean;
  /** E-mail digest and WeCom group robots (DESIGN §18): SMTP_URL, WECOM_WEBHOOK_URL_<JURISDICTION>. */
  notificationChannels: NotificationChannels;
}

export const QUEUE_BACKENDS = ['redis', 'postgres'] as const;
export type QueueBackend = (typeof QUEUE_BACKENDS)[number];

/** What the boot probe found (`loadConfigAtBoot`); absent when nobody probed. */
export interface BootProbe {
  /** Whether a Redis answered on 127.0.0.1:6379. */
  localRedis: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Reads and validates the configuration. Without QUEUE_BACKEND and REDIS_URL the queue backend
 * follows `probe` (a local Redis answers: redis; none: postgres); without a probe it is `redis`,
 * as before (the documented REDIS_URL default). Processes that start the product call
 * `loadConfigAtBoot`, which probes.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, probe?: BootProbe): AppConfig {
  const problems: string[] = [];
  const nodeEnv = env.NODE_ENV ?? 'development';

  const url = (name: string, fallback: string, protocols: string[]): string => {
    const raw = env[name] ?? fallback;
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) {
        problems.push(`${name} must be a ${protocols.join(' or ')}// URL, got "${raw}"`);
      }
    } catch {
      problems.push(`${name} must be a URL like ${fallback}, got "${raw}"`);
    }
    return raw;
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  };

  const databaseUrl = url('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/liancheng', [
    'postgres:',
    'postgresql:',
  ]);
  const redisUrl = url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']);
  let queueBackend: QueueBackend = env.REDIS_URL || !probe || probe.localRedis ? 'redis' : 'postgres';
  if (env.QUEUE_BACKEND) {
    if ((QUEUE_BACKENDS as readonly string[]).includes(env.QUEUE_BACKEND)) {
      queueBackend = env.QUEUE_BACKEND as QueueBackend;
    } else {
      problems.push(`QUEUE_BACKEND must be one of ${QUEUE_BACKENDS.join(', ')}, got "${env.QUEUE_BACKEND}"`);
    }
  }
  const queueSchema = env.QUEUE_SCHEMA || 'lc_queue';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(queueSchema)) {
    problems.push(`QUEUE_SCHEMA must be a lower-case SQL identifier (letters, digits, _), got "${queueSchema}"`);
  }
  const port = int('PORT', 3000, 0, 65535);
  const apiRateLimit = int('API_RATE_LIMIT', 6000, 0, 10_000_000);
  const loginRateLimit = int('LOGIN_RATE_LIMIT', 10, 1, 100_000);
  const loginIpRateLimit = int('LOGIN_IP_RATE_LIMIT', 50, 1, 10_000_000);
  const workerConcurrency = int('WORKER_CONCURRENCY', 8, 1, 256);
  const jobLockMs = int('JOB_LOCK_MS', 30_000, 1_000, 600_000);
  const matchSweepMs = int('MATCH_SWEEP_MS', 60_000, 1_000, 3_600_000);

  const jwtSecret = env.JWT_SECRET || null;
  if (!jwtSecret) {
    if (nodeEnv === 'production') problems.push('JWT_SECRET is required when NODE_ENV=production');
  } else if (jwtSecret.length < 32) {
    problems.push('JWT_SECRET must be at least 32 characters long');
  }

  const publicUrl = env.PUBLIC_URL ? url('PUBLIC_URL', 'https://crm.example.gov.cn', ['http:', 'https:']) : null;
  const metricsToken = env.METRICS_TOKEN || null;
  if (metricsToken && metricsToken.length < 16) problems.push('METRICS_TOKEN must be at least 16 characters long');
  const host = env.HOST || '127.0.0.1';

  const logLevel = env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info');
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);

  const webhookAllowedHosts = (env.WEBHOOK_ALLOWED_HOSTS ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);

  const channels = notificationChannels(env, problems);

  if (problems.length) throw new ConfigError(problems);
  return {
    nodeEnv,
    databaseUrl,
    redisUrl,
    queueBackend,
    queueSchema,
    port,
    host,
    jwtSecret,
    accessTokenTtlSeconds: 15 * 60,
    refreshTokenTtlSeconds: 14 * 24 * 3600,
    webhookAllowedHosts,
    apiRateLimit,
    loginRateLimit,
    loginIpRateLimit,
    trustProxy: env.TRUST_PROXY === 'true',
    logLevel,
    queuePrefix: env.QUEUE_PREFIX ?? '{lc}',
    workerConcurrency,
    jobLockMs,
    matchSweepMs,
    serveWeb: env.SERVE_WEB !== 'false',
    operators: (env.OPERATORS ?? '')
      .split(',')
      .map((u) => u.trim().toLowerCase())
      .filter(Boolean),
    metricsToken,
    publicUrl,
    https: publicUrl?.startsWith('https://') ?? false,
    notificationChannels: channels,
  };
}

/** Whether something accepts a TCP connection on host:port within `timeoutMs` (loopback only). */
export function tcpAnswers(host: string, port: number, timeoutMs = 300): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * The configuration of a starting process: like `loadConfig`, and when neither QUEUE_BACKEND nor
 * REDIS_URL says where the queues live, a fast TCP probe of 127.0.0.1:6379 decides (redis when a
 * Redis answers, postgres otherwise).
 */
export async function loadConfigAtBoot(
  env: NodeJS.ProcessEnv = process.env,
  answers: (host: string, port: number) => Promise<boolean> = tcpAnswers,
): Promise<AppConfig> {
  const decided = !!env.QUEUE_BACKEND || !!env.REDIS_URL;
  const probe = decided ? undefined : { localRedis: await answers('127.0.0.1', 6379) };
  return loadConfig(env, probe);
}

export const APP_CONFIG = Symbol('APP_CONFIG');
