import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { RequestContext } from '../../../../libs/common/request-context';
import { Ctx } from '../http/ctx.decorator';
import { ApiErrors, ApiPage } from '../http/api-responses';
import { DEFAULT_PAGE_SIZE, Page, PageQuery } from '../../../../libs/common/pagination';
import { Access } from '../http/access.decorator';
import { ApiKeyViewDto, CreateApiKeyDto, CreatedApiKeyDto } from '../../../../libs/identity/api-key.dto';
import { ApiKeyService } from '../../../../libs/identity/api-key.service';

@ApiTags('admin')
@ApiBearerAuth()
@Access({ roles: ['admin'] })
@Controller('api-keys')
export class ApiKeyController {
  constructor(private readonly keys: ApiKeyService) {}

  @Get()
  @ApiPage(ApiKeyViewDto)
  @ApiErrors(400, 401, 403)
  list(@Ctx() ctx: RequestContext, @Query() q: PageQuery): Promise<Page<ApiKeyViewDto>> {
    return this.keys.list(ctx, q.limit ?? DEFAULT_PAGE_SIZE, q.cursor);
  }

  @Post()
  @ApiCreatedResponse({ type: CreatedApiKeyDto, description: 'The key secret is shown this once' })
  @ApiErrors(400, 401, 403)
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.keys.create(ctx, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrors(401, 403, 404)
  revoke(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<void> {
    return this.keys.revoke(ctx, id);
  }
}
