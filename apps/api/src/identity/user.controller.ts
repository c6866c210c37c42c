import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequestContext } from '../../../../libs/common/request-context';
import { Ctx } from '../http/ctx.decorator';
import { ApiErrors, ApiPage } from '../http/api-responses';
import { DEFAULT_PAGE_SIZE, Page, PageQuery } from '../../../../libs/common/pagination';
import { Access } from '../http/access.decorator';
import { CreateUserDto, UpdateUserDto, UserViewDto } from '../../../../libs/identity/user.dto';
import { UserService } from '../../../../libs/identity/user.service';

@ApiTags('admin')
@ApiBearerAuth()
@Access({ roles: ['admin'] })
@Controller('users')
export class UserController {
  constructor(private readonly users: UserService) {}

  @Get()
  @ApiPage(UserViewDto)
  @ApiErrors(400, 401, 403)
  list(@Ctx() ctx: RequestContext, @Query() q: PageQuery): Promise<Page<UserViewDto>> {
    return this.users.list(ctx, q.limit ?? DEFAULT_PAGE_SIZE, q.cursor);
  }

  @Post()
  @ApiCreatedResponse({ type: UserViewDto })
  @ApiErrors(400, 401, 403, 409)
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateUserDto): Promise<UserViewDto> {
    return this.users.create(ctx, dto);
  }

  @Patch(':id')
  @ApiOkResponse({ type: UserViewDto })
  @ApiErrors(400, 401, 403, 404)
  update(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Body() dto: UpdateUserDto,
  ): Promise<UserViewDto> {
    return this.users.update(ctx, id, dto);
  }
}
