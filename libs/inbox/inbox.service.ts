import { Injectable } from '@nestjs/common';
import { RequestContext, actorUserId, isManager } from '../common/request-context';
import { INBOX_LEADS_MAX, InboxDto } from './inbox.dto';
import { InboxRepository } from './inbox.repository';

/**
 * A user's home: what waits on them. Managers (and admins) answer for their city's collisions,
 * agreements and matches; an officer for their own leads only.
 */
@Injectable()
export class InboxService {
  constructor(private readonly repo: InboxRepository) {}

  async forUser(ctx: RequestContext): Promise<InboxDto> {
    const userId = actorUserId(ctx);
    const city = isManager(ctx);
    const ownerFilter = city ? undefined : (userId ?? undefined);
    const [myLeads, collisions, agreements, matches] = await Promise.all([
      userId
        ? this.repo.myLeads(ctx.jurisdiction, userId, INBOX_LEADS_MAX)
        : { overdue: 0, dueToday: 0, total: 0, items: [] },
      this.repo.openCollisions(ctx.jurisdiction, ownerFilter),
      city ? this.repo.agreementsWaiting(ctx.jurisdiction) : 0,
      this.repo.proposedMatches(ctx.jurisdiction, ownerFilter),
    ]);
    return {
      myLeads,
      collisions: { count: collisions },
      agreements: { count: agreements },
      matches: { count: matches },
    };
  }
}
