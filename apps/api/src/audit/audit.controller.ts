import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiPage } from '../http/api-responses';
import { Page } from '../../../../libs/common/pagination';
import { RequestContext } from '../../../../libs/common/request-context';
import { Ctx } from '../http/ctx.decorator';
import { Access } from '../http/access.decorator';
import { AuditChangeDto, AuditEntryDto, AuditQuery } from '../../../../libs/audit/audit.dto';
import { AuditLogRepository } from '../../../../libs/audit/audit-log.repository';

/** The audit trail, read-only: no route changes or deletes an entry (the table refuses it too). */
@ApiTags('audit')
@ApiBearerAuth()
@ApiExtraModels(AuditChangeDto)
@Access({ roles: ['manager', 'admin'] })
@Controller('audit')
export class AuditController {
  constructor(private readonly log: AuditLogRepository) {}

  @Get()
  @ApiOperation({
    summary: 'Audit entries of records of the caller’s jurisdiction, newest first (managers and admins)',
    description:
      'Who (user or API key), what (action, changed fields before/after), when and the request id, for every ' +
      'change. Entries of a co-built park are shown to both jurisdictions. Append-only: no route changes ' +
      'or deletes an entry.',
  })
  @ApiPage(AuditEntryDto)
  @ApiErrors(400, 401, 403, 429)
  list(@Ctx() ctx: RequestContext, @Query() q: AuditQuery): Promise<Page<AuditEntryDto>> {
    return this.log.list(ctx, q);
  }
}
