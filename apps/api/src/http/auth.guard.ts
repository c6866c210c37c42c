import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { forbidden } from '../../../../libs/common/errors';
import { RequestContext, localeOf, partnerOf } from '../../../../libs/common/request-context';
import { ContextRequest } from './ctx.decorator';
import { RequestRateLimit } from './request-rate-limit';
import { ACCESS_KEY, AccessRule, PUBLIC_KEY } from './access.decorator';
import { API_KEY_PREFIX } from '../../../../libs/identity/secrets';
import { ApiKeyService } from '../../../../libs/identity/api-key.service';
import { AuthService } from '../../../../libs/identity/auth.service';

/**
 * The one guard layer: authenticates the caller, counts the request against API_RATE_LIMIT (the
 * caller's own quota, or the client address when the credential fails), applies the route's
 * access rule, and puts the request context on the request.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly keys: ApiKeyService,
    private readonly rate: RequestRateLimit,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const req = context.switchToHttp().getRequest<ContextRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) {
      await this.rate.byClient(req, reply);
      return true;
    }
    let ctx: RequestContext;
    try {
      ctx = await this.authenticate(req);
    } catch (e) {
      await this.rate.byClient(req, reply);
      throw e;
    }
    await this.rate.byActor(req, reply, ctx.actor);
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, targets) ?? {};
    this.authorize(ctx, rule);
    req.ctx = ctx;
    return true;
  }

  private async authenticate(req: ContextRequest): Promise<RequestContext> {
    const token = credentialOf(req);
    const requestId = String(req.id);
    const locale = localeOf(req.headers['accept-language']);
    if (token.startsWith(API_KEY_PREFIX)) {
      const key = await this.keys.authenticate(token);
      if (!key)
        throw new UnauthorizedException({ code: 'BAD_API_KEY', message: 'Unknown or revoked API key' });
      return {
        requestId,
        locale,
        actor: { type: 'api_key', id: key.id, name: key.name, scopes: key.scopes },
        jurisdiction: key.jurisdiction,
        partner: partnerOf(key.jurisdiction),
      };
    }
    const claims = this.auth.verifyAccessToken(token);
    if (!claims)
      throw new UnauthorizedException({ code: 'BAD_TOKEN', message: 'Invalid or expired access token' });
    return {
      requestId,
      locale,
      actor: {
        type: 'user',
        id: claims.sub,
        username: claims.usr,
        displayName: claims.dn,
        role: claims.role,
      },
      jurisdiction: claims.jur,
      partner: partnerOf(claims.jur),
    };
  }

  private authorize(ctx: RequestContext, rule: AccessRule): void {
    if (ctx.actor.type === 'user') {
      if (rule.roles && !rule.roles.includes(ctx.actor.role)) {
        throw forbidden('ROLE_REQUIRED', `This action needs the role ${rule.roles.join(' or ')}`);
      }
      return;
    }
    if (ctx.actor.type === 'api_key') {
      if (!rule.scopes) throw forbidden('USERS_ONLY', 'This action is not available to API keys');
      const held = ctx.actor.scopes;
      const missing = rule.scopes.filter((s) => !held.includes(s));
      if (missing.length) throw forbidden('SCOPE_REQUIRED', `API key lacks scope ${missing.join(', ')}`);
    }
  }
}

/**
 * The one credential of a request: `Authorization: Bearer <token>` or `X-Api-Key: lck_…`.
 * Anything else present is refused, not ignored (DESIGN §11: one valid and one invalid credential
 * answer 401): an Authorization header that is not a Bearer token, an empty or repeated
 * X-Api-Key, or two different credentials (whose would the request be?).
 */
function credentialOf(req: ContextRequest): string {
  const header = req.headers.authorization;
  const xKey = req.headers['x-api-key'];
  const fail = (code: string, message: string) => new UnauthorizedException({ code, message });
  let bearer: string | undefined;
  if (header !== undefined) {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    if (!m) throw fail('BAD_CREDENTIALS', 'Authorization must be "Bearer <token>"');
    bearer = m[1];
  }
  let key: string | undefined;
  if (xKey !== undefined) {
    if (typeof xKey !== 'string' || !xKey.trim().startsWith(API_KEY_PREFIX))
      throw fail('BAD_API_KEY', `X-Api-Key must be one API key (${API_KEY_PREFIX}…)`);
    key = xKey.trim();
  }
  if (bearer !== undefined && key !== undefined && bearer !== key)
    throw fail('CONFLICTING_CREDENTIALS', 'Send one credential: Authorization or X-Api-Key, not both');
  const token = bearer ?? key;
  if (!token) throw fail('UNAUTHENTICATED', 'Missing credentials');
  return token;
}
