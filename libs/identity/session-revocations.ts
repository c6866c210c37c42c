import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { sqlRows } from '../db/sql';

/** How often each API instance reloads the revocations: every instance agrees within this. */
export const REVOCATION_RELOAD_MS = 2_000;
/** A revocation made here counts at once, whatever a reload running at that moment read. */
const LOCAL_HOLD_MS = 4 * REVOCATION_RELOAD_MS;

/** What an access token says about its session. */
export interface SessionClaims {
  sub: string;
  /** The sign-in (refresh-token family) the token belongs to. */
  sid?: string;
  /** The user's session epoch when the token was issued. */
  sep?: number;
}

interface Snapshot {
  /** user id → the lowest session epoch still valid */
  epochs: Map<string, number>;
  families: Set<string>;
}

type Revocation = { userId: string; familyId?: string; epoch?: number; at: number };

/**
 * Sessions end at once (DESIGN §11): logout and refresh-token reuse revoke one sign-in (its refresh
 * family); deactivation, a role change and a password change bump the user's session epoch. Access
 * tokens stay stateless JWTs: each request checks them against an in-memory snapshot of the
 * revocations of the last access-token lifetime, reloaded from Postgres every 2 s, so every API
 * instance refuses a revoked token within seconds without a database read per request (the hot
 * read paths are benchmarked). A revocation older than one token lifetime can refuse nothing
 * that has not expired anyway, so the snapshot stays small.
 */
@Injectable()
export class SessionRevocations implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SessionRevocations.name);
  private snapshot: Snapshot = { epochs: new Map(), families: new Set() };
  private local: Revocation[] = [];
  private timer: NodeJS.Timeout | null = null;
  private reloading: Promise<void> | null = null;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => void this.reload(), REVOCATION_RELOAD_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  isRevoked(claims: SessionClaims): boolean {
    const { epochs, families } = this.snapshot;
    if (claims.sid !== undefined && families.has(claims.sid)) return true;
    const valid = epochs.get(claims.sub);
    return valid !== undefined && (claims.sep ?? 0) < valid;
  }

  /**
   * Ends one sign-in: its refresh tokens and the access tokens issued from them. A sign-in with no
   * live refresh token left has ended already (or was ended with all the user's sessions).
   */
  async revokeFamily(em: EntityManager, userId: string, familyId: string, reason: string): Promise<void> {
    const live = await sqlRows(
      em,
      `UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL RETURNING id`,
      [familyId],
    );
    if (!live.length) return;
    await sqlRows(em, `INSERT INTO session_revocations (user_id, family_id, reason) VALUES ($1, $2, $3)`, [
      userId,
      familyId,
      reason,
    ]);
    this.hold({ userId, familyId, at: Date.now() });
  }

  /** Ends every session of the user: a new session epoch, every refresh token revoked. */
  async revokeUser(em: EntityManager, userId: string, reason: string): Promise<void> {
    const [row] = await sqlRows<{ session_epoch: number }>(
      em,
      `UPDATE users SET session_epoch = session_epoch + 1 WHERE id = $1 RETURNING session_epoch`,
      [userId],
    );
    if (!row) return;
    await sqlRows(
      em,
      `UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`,
      [userId],
    );
    await sqlRows(
      em,
      `INSERT INTO session_revocations (user_id, session_epoch, reason) VALUES ($1, $2, $3)`,
      [userId, row.session_epoch, reason],
    );
    this.hold({ userId, epoch: row.session_epoch, at: Date.now() });
  }

  /** Reads the revocations of the last token lifetime (one reload at a time). */
  reload(): Promise<void> {
    this.reloading ??= this.read().finally(() => (this.reloading = null));
    return this.reloading;
  }

  private async read(): Promise<void> {
    try {
      const rows = await sqlRows<{ user_id: string; family_id: string | null; session_epoch: number | null }>(
        this.ds,
        `SELECT user_id, family_id, session_epoch FROM session_revocations
          WHERE created_at > now() - make_interval(secs => $1)`,
        [this.config.accessTokenTtlSeconds + 60],
      );
      const since = Date.now() - LOCAL_HOLD_MS;
      this.local = this.local.filter((r) => r.at > since);
      this.snapshot = build([
        ...rows.map((r) => ({
          userId: r.user_id,
          familyId: r.family_id ?? undefined,
          epoch: r.session_epoch ?? undefined,
          at: 0,
        })),
        ...this.local,
      ]);
    } catch (e) {
      // Keep the last snapshot: with the database down no token is issued or refreshed either.
      this.logger.warn(`could not reload session revocations: ${(e as Error).message}`);
    }
  }

  private hold(r: Revocation): void {
    this.local.push(r);
    this.snapshot = build([...toRevocations(this.snapshot), r]);
  }
}

function build(revocations: Revocation[]): Snapshot {
  const epochs = new Map<string, number>();
  const families = new Set<string>();
  for (const r of revocations) {
    if (r.familyId) families.add(r.familyId);
    if (r.epoch !== undefined) epochs.set(r.userId, Math.max(epochs.get(r.userId) ?? 0, r.epoch));
  }
  return { epochs, families };
}

function toRevocations(s: Snapshot): Revocation[] {
  return [
    ...[...s.epochs].map(([userId, epoch]) => ({ userId, epoch, at: 0 })),
    ...[...s.families].map((familyId) => ({ userId: '', familyId, at: 0 })),
  ];
}
