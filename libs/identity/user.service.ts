import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { conflict, fieldError, notFound } from '../common/errors';
import { Page, decodeCursor, toPage } from '../common/pagination';
import { RequestContext } from '../common/request-context';
import { requireUuidPath } from '../common/uuid';
import { sqlParams, sqlRows } from '../db/sql';
import { AuditService, diffFields } from '../audit/audit.service';
import { CreateUserDto, UpdateUserDto } from './user.dto';
import { User, UserView, toUserView } from './user.entity';
import { hashPassword } from './secrets';
import { SessionRevocations } from './session-revocations';

/** Users of the admin's own jurisdiction (DESIGN §2); another jurisdiction's user is a 404. */
@Injectable()
export class UserService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly audit: AuditService,
    private readonly sessions: SessionRevocations,
  ) {}

  async me(ctx: RequestContext): Promise<UserView> {
    const user = await this.ds.getRepository(User).findOneBy({ id: ctx.actor.id ?? undefined });
    if (!user) throw notFound('user');
    return toUserView(user);
  }

  async list(ctx: RequestContext, limit: number, cursor?: string): Promise<Page<UserView>> {
    const after = decodeCursor(cursor, 1);
    const rows = await this.ds
      .getRepository(User)
      .createQueryBuilder('u')
      .where('u.jurisdiction = :j', { j: ctx.jurisdiction })
      .andWhere(after ? 'lower(u.username) > :after' : '1=1', { after: after?.[0] })
      .orderBy('lower(u.username)', 'ASC')
      .limit(limit + 1)
      .getMany();
    return toPage(rows, limit, (u) => [u.username.toLowerCase()], toUserView);
  }

  async create(ctx: RequestContext, dto: CreateUserDto): Promise<UserView> {
    if (dto.jurisdiction && dto.jurisdiction !== ctx.jurisdiction) {
      throw fieldError(
        'jurisdiction',
        `admins create users of their own jurisdiction (${ctx.jurisdiction}) only`,
      );
    }
    const passwordHash = await hashPassword(dto.password);
    return this.ds.transaction(async (em) => {
      const taken = await sqlRows(em, `SELECT 1 FROM users WHERE lower(username) = lower($1)`, [
        dto.username,
      ]);
      if (taken.length) throw conflict('USERNAME_TAKEN', `username ${dto.username} is taken`);
      const [row] = await sqlRows(
        em,
        `INSERT INTO users (username, display_name, jurisdiction, role, password_hash)
         VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [dto.username, dto.displayName, ctx.jurisdiction, dto.role, passwordHash],
      );
      const user = await em.getRepository(User).findOneByOrFail({ id: row.id });
      await this.audit.record(em, ctx, 'create', 'user', user.id, diffFields({}, { ...toUserView(user) }));
      return toUserView(user);
    });
  }

  async update(ctx: RequestContext, id: string, dto: UpdateUserDto): Promise<UserView> {
    requireUuidPath(id, 'user');
    return this.ds.transaction(async (em) => {
      const repo = em.getRepository(User);
      const before = await repo.findOneBy({ id, jurisdiction: ctx.jurisdiction });
      if (!before) throw notFound('user');
      const sets: string[] = [];
      const { params, p } = sqlParams([id, ctx.jurisdiction]);
      const set = (col: string, v: unknown) => sets.push(`${col} = ${p(v)}`);
      if (dto.displayName !== undefined) set('display_name', dto.displayName);
      if (dto.role !== undefined) set('role', dto.role);
      if (dto.active !== undefined) set('active', dto.active);
      if (dto.password !== undefined) set('password_hash', await hashPassword(dto.password));
      if (sets.length) {
        await sqlRows(
          em,
          `UPDATE users SET ${sets.join(', ')}, version = version + 1, updated_at = now()
            WHERE id = $1 AND jurisdiction = $2 RETURNING id`,
          params,
        );
        // DESIGN §11: these end the user's sessions at once (access tokens too, not only refresh).
        const ended = [
          dto.active === false && before.active && 'deactivated',
          dto.role !== undefined && dto.role !== before.role && 'role_changed',
          dto.password !== undefined && 'password_changed',
        ].filter(Boolean);
        if (ended.length) await this.sessions.revokeUser(em, id, ended.join(','));
      }
      const after = await repo.findOneByOrFail({ id });
      const changes = diffFields(toUserView(before) as never, toUserView(after) as never);
      if (dto.password !== undefined) changes.password = ['***', '***'];
      await this.audit.record(em, ctx, 'update', 'user', id, changes);
      return toUserView(after);
    });
  }
}
