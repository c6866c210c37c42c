import { HttpStatus, Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sqlRows } from '../db/sql';
import { APP_CONFIG, AppConfig } from '../config/config';
import { AppError } from '../common/errors';
import { RateLimiter } from '../platform/rate-limiter';
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

const LOGIN_WINDOW_MS = 15 * 60 * 1000;
// A valid hash to verify against when the user does not exist, so timing does not tell.
let dummyHash: Promise<string> | null = null;

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly jwt: JwtService,
    private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Login, limited per username and per IP with counters in Redis (issue 2 §4), so the limit holds
   * across API instances. Failed attempts count; a success clears the username's counter.
   */
  async login(username: string, password: string, ip: string): Promise<Session> {
    const name = username.trim().toLowerCase();
    const userKey = `login:u:${name}`;
    const ipKey = `login:ip:${ip}`;
    const limit = this.config.loginRateLimit;
    const [byUser, byIp] = await Promise.all([this.limiter.peek(userKey), this.limiter.peek(ipKey)]);
    if (byUser.count >= limit) throw this.tooMany(byUser.retryAfterSeconds);
    if (byIp.count >= this.config.loginIpRateLimit) throw this.tooMany(byIp.retryAfterSeconds);

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
    if (!ok || !user) {
      await Promise.all([
        this.limiter.hit(userKey, limit, LOGIN_WINDOW_MS),
        this.limiter.hit(ipKey, this.config.loginIpRateLimit, LOGIN_WINDOW_MS),
      ]);
      throw this.badCredentials();
    }
    await this.limiter.reset(userKey);
    return this.issue(user);
  }

  private tooMany(retryAfterSeconds: number) {
    return new AppError(
      HttpStatus.TOO_MANY_REQUESTS,
      'LOGIN_RATE_LIMITED',
      'Too many failed login attempts; try again later',
      undefined,
      { retryAfterSeconds },
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
