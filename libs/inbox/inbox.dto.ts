import { ApiProperty } from '@nestjs/swagger';
import { LEAD_STAGES } from '../leads/lead-stage';

/** How a lead's next action stands today (China Standard Time). */
export const DUE_STATES = ['overdue', 'today', 'later', 'none'] as const;
export type DueState = (typeof DUE_STATES)[number];

/** The most of the caller's leads the home page lists. */
export const INBOX_LEADS_MAX = 50;

export class InboxLeadDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ maxLength: 200 }) title: string;
  @ApiProperty({ maxLength: 200 }) investorName: string;
  @ApiProperty({ enum: LEAD_STAGES }) stage: string;
  @ApiProperty({ description: '万元' }) plannedInvestmentWan: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) nextActionAt: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: string;
  @ApiProperty({ enum: DUE_STATES }) due: DueState;
}

export class InboxLeadsDto {
  @ApiProperty({ description: 'open leads of the caller whose next action was due before today' })
  overdue: number;
  @ApiProperty({ description: 'open leads of the caller whose next action is due today' }) dueToday: number;
  @ApiProperty({ description: 'every lead the caller owns, lost ones aside' }) total: number;
  @ApiProperty({
    type: [InboxLeadDto],
    maxItems: INBOX_LEADS_MAX,
    description: 'the caller’s leads (lost ones aside), by next action (none last), then last change',
  })
  items: InboxLeadDto[];
}

export class InboxCountDto {
  @ApiProperty() count: number;
}

export class InboxDto {
  @ApiProperty({ type: InboxLeadsDto }) myLeads: InboxLeadsDto;
  @ApiProperty({
    type: InboxCountDto,
    description: 'open collisions: of the caller’s city (managers), on the caller’s leads (officers)',
  })
  collisions: InboxCountDto;
  @ApiProperty({
    type: InboxCountDto,
    description: 'pending agreements the caller’s city decides (managers; 0 for officers)',
  })
  agreements: InboxCountDto;
  @ApiProperty({
    type: InboxCountDto,
    description:
      'proposed matches to decide: of the city’s leads (managers), of the caller’s leads (officers, who ask their manager)',
  })
  matches: InboxCountDto;
}
