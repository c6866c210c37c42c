import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Idempotent } from '../common/idempotency';
import { ApiErrors, ApiPage } from '../common/openapi';
import { DEFAULT_PAGE_SIZE, Page } from '../common/pagination';
import { Ctx, RequestContext } from '../common/request-context';
import { Access } from '../identity/access.decorator';
import { CollisionListQuery, CollisionViewDto, ResolveCollisionDto } from './collision.dto';
import { CollisionService } from './collision.service';

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
  @ApiOkResponse({ type: CollisionViewDto })
  @ApiErrors(400, 401, 403, 404, 409)
  resolve(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Body() dto: ResolveCollisionDto,
  ): Promise<CollisionViewDto> {
    return this.collisions.resolve(ctx, id, dto.resolution, dto.note);
  }
}
