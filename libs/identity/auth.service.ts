import { HttpStatus, Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { LRUCache } from 'lru-cache';
import { randomUUID } from 'crypto';
import { DataSource, EntityManager } from 'typeorm';
import { sqlRows } from '../db/sql';
import { APP_CONFIG, AppConfig } from '../config/config';
import { AppError } from '../common/errors';
import { Limit, LimitState, LimiterUnavailableError, RateLimits } from '../platform/rate-limiter';
import { generateSecret, hashPassword, sha256, verifyPassword } from './secrets';
import { SessionRevocations } from './session-revocations';
import { User, UserView, toUserView } from './user.entity';
import type { Jurisdiction, Role } from '../common/request-context';

export interface AccessClaims {
  sub: string;
  usr: string;
  dn: string;
  jur: Jurisdiction;
  role: Role;
  /** The sign-in (refresh-token family) this token belongs to. */
  sid: string;
  /** The user's session epoch when it was issued (SessionRevocations). */
  sep: number;
}

export interface Session {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  user: UserView;
}

const LOGIN_WINDOW_SECONDS = 15 * 60;
// A valid hash to verify against when the user does not exist, so timing does not tell.
let dummyHash: Promise<string> | null = null;

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);
  private readonly attemptsByUser: Limit;
  private readonly attemptsByIp: Limit;
  /** Access tokens whose signature has been verified (bounded: one entry per live sign-in is plenty). */
  private readonly verified = new LRUCache<string, AccessClaims & { exp: number }>({ max: 10_000 });

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly jwt: JwtService,
    private readonly revocations: SessionRevocations,
    limits: RateLimits,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    const policy = (name: string, quota: number) =>
      limits.limit({ name, quota, windowSeconds: LOGIN_WINDOW_SECONDS, whenStoreDown: 'refuse' });
    this.attemptsByUser = policy('login-user', config.loginRateLimit);
    this.attemptsByIp = policy('login-ip', config.loginIpRateLimit);
  }

  /**
   * Login, limited per username and per client address (DESIGN §11). Each attempt takes a slot
   * atomically BEFORE the password is checked, so parallel guesses check at most the limit; a
   * failed attempt keeps its slot, a success clears the username's count and gives the address
   * its slot back. While the counters' store is down login answers 503: never an unlimited check.
   */
  async login(username: string, password: string, ip: string): Promise<Session> {
    const name = username.trim().toLowerCase();
    const ipKey = ip;
    await this.takeAttempt(name, ipKey);

    const user = await this.ds
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('lower(u.username) = :name', { name })
      .getOne();
    let ok = false;
    if (!user) {
      dummyHash ??= hashPassword('liancheng-timing-equaliser');
      await verifyPassword(await dummyHash, password);
    } else {
      ok = (await verifyPassword(user.passwordHash, password)) && user.active;
    }
    if (!ok || !user) throw this.badCredentials();
    await Promise.all([this.attemptsByUser.reset(name), this.attemptsByIp.refund(ipKey)]);
    return this.issue(user, randomUUID());
  }

  /** Takes one attempt of the username and of the address, or refuses (429 / 503) taking none. */
  private async takeAttempt(name: string, ipKey: string): Promise<void> {
    const taken = await Promise.allSettled([
      this.attemptsByUser.consume(name),
      this.attemptsByIp.consume(ipKey),
    ]);
    const [byUser, byIp] = taken.map((t) => (t.status === 'fulfilled' ? t.value : null));
    if (byUser?.allowed && byIp?.allowed) return;
    // Refused: give back the slot the other counter granted, so a refused attempt costs nothing.
    if (byUser?.allowed) await this.attemptsByUser.refund(name);
    if (byIp?.allowed) await this.attemptsByIp.refund(ipKey);
    const down = taken.find((t) => t.status === 'rejected');
    if (down) {
      const reason = (down as PromiseRejectedResult).reason;
      if (!(reason instanceof LimiterUnavailableError)) throw reason;
      this.logger.warn(`login refused: ${reason.message}`);
      throw new AppError(
        HttpStatus.SERVICE_UNAVAILABLE,
        'LOGIN_UNAVAILABLE',
        'Sign-in is unavailable while the rate-limit store is down; try again shortly',
        undefined,
        { retryAfterSeconds: 5 },
      );
    }
    const refused = [byUser, byIp].filter((s): s is LimitState => !!s && !s.allowed);
    throw new AppError(
      HttpStatus.TOO_MANY_REQUESTS,
      'LOGIN_RATE_LIMITED',
      'Too many failed login attempts; try again later',
      undefined,
      { retryAfterSeconds: Math.max(...refused.map((s) => s.resetSeconds)) },
    );
  }

  /**
   * A new access token for the refresh cookie, which is rotated. Presenting a refresh token that
   * was already rotated (or revoked) means two holders: the whole sign-in is revoked, the newer
   * tokens included (DESIGN §11).
   */
  async refresh(refreshToken: string | undefined): Promise<Session> {
    if (!refreshToken) throw this.badCredentials('No refresh token');
    const hash = sha256(refreshToken);
    const session = await this.ds.transaction(async (em) => {
      const [row] = await sqlRows<{ user_id: string; family_id: string }>(
        em,
        `UPDATE refresh_tokens SET revoked_at = now()
          WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now()
          RETURNING user_id, family_id`,
        [hash],
      );
      if (!row) return null;
      const user = await em.getRepository(User).findOneBy({ id: row.user_id });
      if (!user || !user.active) throw this.badCredentials();
      return this.issue(user, row.family_id, em);
    });
    if (session) return session;
    const [used] = await sqlRows<{ user_id: string; family_id: string }>(
      this.ds,
      `SELECT user_id, family_id FROM refresh_tokens WHERE token_hash = $1 AND revoked_at IS NOT NULL`,
      [hash],
    );
    if (used) {
      await this.ds.transaction((em) =>
        this.revocations.revokeFamily(em, used.user_id, used.family_id, 'refresh_token_reused'),
      );
      this.logger.warn(`a rotated refresh token was presented again: sign-in ${used.family_id} revoked`);
    }
    throw this.badCredentials('Refresh token expired or revoked');
  }

  /** Ends the sign-in of the refresh cookie and of the access token, whichever are given. */
  async logout(refreshToken: string | undefined, accessToken: string | undefined): Promise<void> {
    const families = new Map<string, string>();
    if (refreshToken) {
      const [row] = await sqlRows<{ user_id: string; family_id: string }>(
        this.ds,
        `SELECT user_id, family_id FROM refresh_tokens WHERE token_hash = $1`,
        [sha256(refreshToken)],
      );
      if (row) families.set(row.family_id, row.user_id);
    }
    const claims = accessToken ? this.verifyAccessToken(accessToken) : null;
    if (claims?.sid) families.set(claims.sid, claims.sub);
    if (!families.size) return;
    await this.ds.transaction(async (em) => {
      for (const [familyId, userId] of families)
        await this.revocations.revokeFamily(em, userId, familyId, 'logout');
    });
  }

  /**
   * The claims of a valid, unexpired access token whose session has not ended; else null. A token
   * whose signature checked out is remembered until it expires, so a user's next requests skip the
   * HMAC and the JSON parsing; expiry and revocation are checked on every request.
   */
  verifyAccessToken(token: string): AccessClaims | null {
    let claims = this.verified.get(token);
    if (claims && claims.exp * 1000 <= Date.now()) {
      this.verified.delete(token);
      return null;
    }
    if (!claims) {
      try {
        claims = this.jwt.verify<AccessClaims & { exp: number }>(token, { algorithms: ['HS256'] });
      } catch {
        return null;
      }
      this.verified.set(token, claims);
    }
    return this.revocations.isRevoked(claims) ? null : claims;
  }

  private async issue(user: User, familyId: string, em: EntityManager = this.ds.manager): Promise<Session> {
    const claims: AccessClaims = {
      sub: user.id,
      usr: user.username,
      dn: user.displayName,
      jur: user.jurisdiction,
      role: user.role,
      sid: familyId,
      sep: user.sessionEpoch,
    };
    const accessToken = await this.jwt.signAsync(claims, {
      expiresIn: this.config.accessTokenTtlSeconds,
      algorithm: 'HS256',
    });
    const refreshToken = generateSecret('lcr_');
    await sqlRows(
      em,
      `INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
      [user.id, familyId, sha256(refreshToken), this.config.refreshTokenTtlSeconds],
    );
    return {
      accessToken,
      expiresIn: this.config.accessTokenTtlSeconds,
      refreshToken,
      user: toUserView(user),
    };
  }

  private badCredentials(message = 'Wrong username or password') {
    return new UnauthorizedException({ code: 'BAD_CREDENTIALS', message });
  }
}
