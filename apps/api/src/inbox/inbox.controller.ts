import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../http/api-responses';
import { RequestContext } from '../../../../libs/common/request-context';
import { Ctx } from '../http/ctx.decorator';
import { Access } from '../http/access.decorator';
import { InboxDto } from '../../../../libs/inbox/inbox.dto';
import { InboxService } from '../../../../libs/inbox/inbox.service';

@ApiTags('inbox')
@ApiBearerAuth()
@Controller('me')
export class InboxController {
  constructor(private readonly inbox: InboxService) {}

  @Get('inbox')
  @Access({ roles: ['officer', 'manager', 'admin'] })
  @ApiOperation({
    summary: 'What waits on the caller: leads due, collisions, agreements, matches to decide',
    description:
      'The caller’s own leads with their next action (overdue / due today in China Standard Time) ordered by ' +
      'next action then last change; open collisions, pending agreements and proposed matches of the caller’s ' +
      'city for managers, of the caller’s own leads for officers.',
  })
  @ApiOkResponse({ type: InboxDto })
  @ApiErrors(401, 403)
  get(@Ctx() ctx: RequestContext): Promise<InboxDto> {
    return this.inbox.forUser(ctx);
  }
}
