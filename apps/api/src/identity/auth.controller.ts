import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig } from '../../../../libs/config/config';
import { RequestContext } from '../../../../libs/common/request-context';
import { Ctx } from '../http/ctx.decorator';
import { ErrorBodyDto } from '../../../../libs/common/error-body.dto';
import { ApiErrors } from '../http/api-responses';
import { Public } from '../http/access.decorator';
import { LoginDto, LoginResponseDto } from '../../../../libs/identity/auth.dto';
import { AuthService, Session } from '../../../../libs/identity/auth.service';
import { UserViewDto } from '../../../../libs/identity/user.dto';
import { UserService } from '../../../../libs/identity/user.service';

export const REFRESH_COOKIE = 'lc_refresh';

function bearerOf(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UserService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in; sets the refresh cookie (httpOnly, SameSite=Strict)' })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiErrors(400, 401, 429)
  @ApiResponse({
    status: 503,
    description: 'The rate-limit store (Redis) is down: sign-in fails closed (LOGIN_UNAVAILABLE)',
    schema: { $ref: getSchemaPath(ErrorBodyDto) },
  })
  async login(
    @Body() dto: LoginDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LoginResponseDto> {
    return this.respond(reply, await this.auth.login(dto.username, dto.password, req.ip));
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiCookieAuth('refreshCookie')
  @ApiOperation({ summary: 'New access token from the refresh cookie (rotates the cookie)' })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiErrors(401)
  async refresh(
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LoginResponseDto> {
    return this.respond(reply, await this.auth.refresh(req.cookies?.[REFRESH_COOKIE]));
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke the refresh token and clear its cookie' })
  async logout(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.auth.logout(req.cookies?.[REFRESH_COOKIE], bearerOf(req.headers.authorization));
    void reply.clearCookie(REFRESH_COOKIE, { path: '/api/v1/auth' });
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOkResponse({ type: UserViewDto })
  @ApiErrors(401)
  @ApiResponse({
    status: 403,
    description: 'An API key: the signed-in user only (USERS_ONLY)',
    schema: { $ref: getSchemaPath(ErrorBodyDto) },
  })
  me(@Ctx() ctx: RequestContext): Promise<UserViewDto> {
    return this.users.me(ctx);
  }

  private respond(reply: FastifyReply, session: Session): LoginResponseDto {
    // Tokens must not stay in any cache (browser, proxy) once this answer is read.
    void reply.header('Cache-Control', 'no-store');
    void reply.setCookie(REFRESH_COOKIE, session.refreshToken, {
      httpOnly: true,
      sameSite: 'strict',
      // Secure when users come over HTTPS (PUBLIC_URL); a Secure cookie over plain HTTP is dropped.
      secure: this.config.https,
      path: '/api/v1/auth',
      maxAge: this.config.refreshTokenTtlSeconds,
    });
    return { accessToken: session.accessToken, expiresIn: session.expiresIn, user: session.user };
  }
}
