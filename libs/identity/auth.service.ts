import { HttpStatus, Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sqlRows } from '../db/sql';
import { APP_CONFIG, AppConfig } from '../config/config';
import { AppError } from '../common/errors';
import { Limit, LimitState, LimiterUnavailableError, RateLimits } from '../platform/rate-limiter';
import { generateSecret, hashPassword, sha256, verifyPassword } from './secrets';
import { User, UserView, toUserView } from './user.entity';
import type { Jurisdiction, Role } from '../common/request-context';

export interface AccessClaims {
  sub: string;
  usr: string;
  dn: string;
  jur: Jurisdiction;
  role: Role;
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

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly jwt: JwtService,
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
    return this.issue(user);
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
        'Sign-in is unavailable while the rate-limit store (Redis) is down; try again shortly',
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

  async refresh(refreshToken: string | undefined): Promise<Session> {
    if (!refreshToken) throw this.badCredentials('No refresh token');
    const hash = sha256(refreshToken);
    return this.ds.transaction(async (em) => {
      const [row] = await sqlRows(
        em,
        `UPDATE refresh_tokens SET revoked_at = now()
          WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now()
          RETURNING user_id`,
        [hash],
      );
      if (!row) throw this.badCredentials('Refresh token expired or revoked');
      const user = await em.getRepository(User).findOneBy({ id: row.user_id });
      if (!user || !user.active) throw this.badCredentials();
      return this.issue(user, em);
    });
  }

  async logout(refreshToken: string | undefined): Promise<void> {
    if (!refreshToken) return;
    await this.ds.query(
      `UPDATE refresh_tokens SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL`,
      [sha256(refreshToken)],
    );
  }

  verifyAccessToken(token: string): AccessClaims | null {
    try {
      return this.jwt.verify<AccessClaims>(token, { algorithms: ['HS256'] });
    } catch {
      return null;
    }
  }

  private async issue(user: User, em = this.ds.manager): Promise<Session> {
    const claims: AccessClaims = {
      sub: user.id,
      usr: user.username,
      dn: user.displayName,
      jur: user.jurisdiction,
      role: user.role,
    };
    const accessToken = await this.jwt.signAsync(claims, {
      expiresIn: this.config.accessTokenTtlSeconds,
      algorithm: 'HS256',
    });
    const refreshToken = generateSecret('lcr_');
    await em.query(
      `INSERT INTO refresh_tokens (user_id, token_hash, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))`,
      [user.id, sha256(refreshToken), this.config.refreshTokenTtlSeconds],
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
