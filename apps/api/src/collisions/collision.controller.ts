import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Idempotent } from '../http/idempotency';
import { ApiErrors, ApiPage } from '../http/api-responses';
import { DEFAULT_PAGE_SIZE, Page } from '../../../../libs/common/pagination';
import { RequestContext } from '../../../../libs/common/request-context';
import { Ctx } from '../http/ctx.decorator';
import { Access } from '../http/access.decorator';
import { CollisionListQuery, CollisionViewDto, ResolveCollisionDto } from '../../../../libs/collisions/collision.dto';
import { CollisionService } from '../../../../libs/collisions/collision.service';

/**
 * 撞单 (DESIGN §7): managers of both jurisdictions see and resolve them; an officer sees the
 * collisions on the leads they own (their home page), and resolves none.
 */
@ApiTags('collisions')
@ApiBearerAuth()
@Controller('collisions')
export class CollisionController {
  constructor(private readonly collisions: CollisionService) {}

  @Get()
  @Access({ roles: ['officer', 'manager', 'admin'] })
  @ApiPage(CollisionViewDto)
  @ApiErrors(400, 401, 403)
  list(@Ctx() ctx: RequestContext, @Query() q: CollisionListQuery): Promise<Page<CollisionViewDto>> {
    return this.collisions.list(ctx, q.status, q.limit ?? DEFAULT_PAGE_SIZE, q.cursor);
  }

  @Post(':id/resolve')
  @Access({ roles: ['manager', 'admin'] })
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({
    summary: 'Resolve a collision (DESIGN §7, §14)',
    description:
      '`yielded` moves the caller’s own lead to lost now (200). `joint` and `dismissed` bind both cities: ' +
      'they create an agreement (`collision.resolve`) and answer 202 with the collision, still open, ' +
      'carrying `pendingAgreement`; nothing about the other city’s lead changes until a manager of the ' +
      'other city accepts it (POST /agreements/:id/accept). 409 when the collision is already resolved ' +
      'or a proposal for it is pending.',
  })
  @ApiOkResponse({ type: CollisionViewDto, description: 'yielded: applied' })
  @ApiAcceptedResponse({
    type: CollisionViewDto,
    description: 'joint / dismissed: proposed, waiting for the other city',
  })
  @ApiErrors(400, 401, 403, 404, 409)
  async resolve(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Body() dto: ResolveCollisionDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<CollisionViewDto> {
    const out = await this.collisions.resolve(ctx, id, dto.resolution, dto.note);
    if (out.accepted) res.status(202);
    return out.collision;
  }
}
