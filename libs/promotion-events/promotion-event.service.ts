import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AgreementKind } from '../agreements/agreement';
import { AgreementRegistry } from '../agreements/agreement-registry';
import { AgreementService } from '../agreements/agreement.service';
import type { AgreementViewDto } from '../agreements/agreement.dto';
import { AuditService, FieldChanges, diffFields } from '../audit/audit.service';
import { parseIfMatch, preconditionFailed } from '../common/concurrency';
import { AppError, conflict, fieldError, forbidden, notFound } from '../common/errors';
import { DEFAULT_PAGE_SIZE, Page, decodeCursor, toPage } from '../common/pagination';
import {
  JURISDICTIONS,
  Jurisdiction,
  RequestContext,
  actorUserId,
  partnerOf,
} from '../common/request-context';
import { isUuid, requireUuidPath } from '../common/uuid';
import { sqlOne, sqlParams, sqlRows } from '../db/sql';
import { throwIfInvalid, unique, unknownSegments } from '../enterprises/base-data';
import { generateSecret, sha256 } from '../identity/secrets';
import { leadView } from '../leads/lead-policy';
import type { LeadRow } from '../leads/lead-view';
import type { LeadStage } from '../leads/lead-stage';
import { fundsTotal } from '../leads/lead-milestones';
import { TS_KEY } from '../leads/lead.repository';
import type { EnterpriseCandidate } from '../matching/engine';
import { TaxonomyService } from '../taxonomy/taxonomy.service';
import {
  EVENT_COHOST,
  EVENT_FIELDS,
  EventRow,
  EventValues,
  Invitee,
  InviteeSuggestion,
  PromotionEvent,
  eventOutcomes,
  isHost,
  suggestInvitees,
  suggestionSegments,
  toEvent,
} from './promotion-event';
import {
  CreateEventDto,
  EventListQuery,
  EventOutcomesDto,
  FeedTokenDto,
  InviteeInputDto,
  UpdateEventDto,
} from './promotion-event.dto';

export type CohostChange = { hosts: Jurisdiction[] };
export const FEED_TOKEN_PREFIX = 'lcf_';

type Db = DataSource | EntityManager;

/** The event row with the id of its pending co-hosting agreement. */
const SELECT = `SELECT e.*, (SELECT a.id FROM agreements a
                   WHERE a.kind = '${EVENT_COHOST}' AND a.subject_entity = 'event' AND a.subject_id = e.id
                     AND a.status = 'pending' LIMIT 1) AS pending_cohost_agreement_id
                  FROM promotion_events e`;

const COLUMN_OF: Record<Exclude<keyof EventValues, 'invitees'>, string> = {
  title: 'title',
  kind: 'kind',
  hosts: 'hosts',
  startsAt: 'starts_at',
  endsAt: 'ends_at',
  venue: 'venue',
  city: 'city',
  focusSegments: 'focus_segments',
  budgetWan: 'budget_wan',
  summary: 'summary',
};

const agreementRequired = (id: string) =>
  conflict(
    'AGREEMENT_REQUIRED',
    `An event's hosts change only by agreement of both cities: propose co-hosting with POST /api/v1/events/${id}/cohost-proposals`,
  );

/**
 * Joint promotion events (DESIGN §16). Both cities read every event; a host city changes it;
 * the partner becomes a co-host only by an `event.cohost` agreement its manager accepts (§14).
 * Every write records an audit entry in its transaction; the change log (entity `event`) is
 * written by trigger.
 */
@Injectable()
export class PromotionEventService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly taxonomy: TaxonomyService,
    private readonly audit: AuditService,
    private readonly agreements: AgreementService,
    private readonly registry: AgreementRegistry,
  ) {}

  onModuleInit(): void {
    const kind: AgreementKind<CohostChange> = {
      kind: EVENT_COHOST,
      subjectEntity: 'event',
      proposers: ['officer', 'manager', 'admin'],
      deciders: ['manager', 'admin'],
      prepare: async (em, ctx, eventId) => {
        const event = await this.findForUpdate(em, eventId);
        if (!event) throw notFound('event');
        if (!isHost(event, ctx.jurisdiction))
          throw forbidden('NOT_EVENT_HOST', 'Only a host city proposes co-hosting its event');
        if (event.hosts.length === JURISDICTIONS.length)
          throw fieldError('hosts', 'the event is already hosted by both cities');
        return { change: { hosts: [...JURISDICTIONS] }, decidingJurisdiction: partnerOf(ctx.jurisdiction) };
      },
      apply: async (em, ctx, agreement) => {
        const event = await this.findForUpdate(em, agreement.subjectId);
        if (!event) throw notFound('event');
        const hosts = JURISDICTIONS.filter((j) => agreement.change.hosts.includes(j));
        if (hosts.length === event.hosts.length) return;
        const [row] = await sqlRows<EventRow>(
          em,
          `UPDATE promotion_events SET hosts = $2, version = version + 1, updated_at = now()
            WHERE id = $1 RETURNING *`,
          [event.id, hosts],
        );
        await this.audit.record(em, ctx, 'update', 'event', event.id, { hosts: [event.hosts, row.hosts] });
      },
    };
    this.registry.register(kind);
  }

  private async find(db: Db, id: string): Promise<PromotionEvent | null> {
    const row = await sqlOne<EventRow>(db, `${SELECT} WHERE e.id = $1`, [id]);
    return row ? toEvent(row) : null;
  }

  private async findForUpdate(em: EntityManager, id: string): Promise<PromotionEvent | null> {
    const row = await sqlOne<EventRow>(em, `SELECT * FROM promotion_events WHERE id = $1 FOR UPDATE`, [id]);
    return row ? toEvent(row) : null;
  }

  /** Every event is visible to both cities (DESIGN §16); unknown ids answer 404. */
  async get(_ctx: RequestContext, id: string): Promise<PromotionEvent> {
    const found = await this.find(this.ds, requireUuidPath(id, 'event'));
    if (!found) throw notFound('event');
    return found;
  }

  async list(_ctx: RequestContext, q: EventListQuery): Promise<Page<PromotionEvent>> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor(q.cursor, 2);
    if (after && (typeof after[0] !== 'string' || Number.isNaN(Date.parse(after[0])) || !isUuid(after[1])))
      throw fieldError('cursor', 'malformed cursor', 'INVALID_CURSOR');
    const { params, p } = sqlParams();
    const where = ['true'];
    if (q.from) where.push(`e.ends_at >= ${p(q.from)}::timestamptz`);
    if (q.to) where.push(`e.starts_at < ${p(q.to)}::timestamptz`);
    if (q.kind) where.push(`e.kind = ${p(q.kind)}`);
    if (q.host) where.push(`e.hosts @> ARRAY[${p(q.host)}]::text[]`);
    if (after) {
      const ts = `${p(after[0])}::timestamptz`;
      where.push(`(e.starts_at > ${ts} OR (e.starts_at = ${ts} AND e.id > ${p(after[1])}::uuid))`);
    }
    const rows = await sqlRows<EventRow & { _key: string }>(
      this.ds,
      `SELECT x.*, ${TS_KEY('x.starts_at')} AS _key FROM (${SELECT} WHERE ${where.join(' AND ')}
        ORDER BY e.starts_at, e.id LIMIT ${p(limit + 1)}) x ORDER BY x.starts_at, x.id`,
      params,
    );
    return toPage(rows, limit, (r) => [r._key, r.id], toEvent);
  }

  async create(ctx: RequestContext, dto: CreateEventDto): Promise<PromotionEvent> {
    const hosts = JURISDICTIONS.filter((j) => (dto.hosts ?? [ctx.jurisdiction]).includes(j));
    if (!hosts.includes(ctx.jurisdiction))
      throw fieldError('hosts', `must include the caller’s jurisdiction (${ctx.jurisdiction})`);
    const values: EventValues = {
      title: dto.title,
      kind: dto.kind,
      hosts: [ctx.jurisdiction],
      startsAt: new Date(dto.startsAt).toISOString(),
      endsAt: new Date(dto.endsAt).toISOString(),
      venue: dto.venue ?? '',
      city: dto.city ?? '',
      focusSegments: unique(dto.focusSegments ?? []),
      invitees: [],
      budgetWan: dto.budgetWan ?? null,
      summary: dto.summary ?? '',
    };
    await this.checkValues(values);
    const cohost = hosts.length > 1;
    return this.ds.transaction(async (em) => {
      values.invitees = await this.resolveInvitees(em, dto.invitees ?? []);
      const [row] = await sqlRows<EventRow>(
        em,
        `INSERT INTO promotion_events (title, kind, hosts, created_by_jurisdiction, starts_at, ends_at, venue, city,
                                       focus_segments, invitees, budget_wan, summary)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12) RETURNING *`,
        [
          values.title,
          values.kind,
          values.hosts,
          ctx.jurisdiction,
          values.startsAt,
          values.endsAt,
          values.venue,
          values.city,
          values.focusSegments,
          JSON.stringify(values.invitees),
          values.budgetWan,
          values.summary,
        ],
      );
      const created = toEvent(row);
      await this.audit.record(em, ctx, 'create', 'event', created.id, diffFields({}, pick(created)));
      if (cohost) {
        const agreement = await this.agreements.propose<CohostChange>(
          em,
          ctx,
          EVENT_COHOST,
          created.id,
          { hosts: [...JURISDICTIONS] },
          dto.cohostNote,
        );
        created.pendingCohostAgreementId = agreement.id;
      }
      return created;
    });
  }

  async update(ctx: RequestContext, id: string, ifMatch: string | undefined, dto: UpdateEventDto) {
    requireUuidPath(id, 'event');
    const expected = parseIfMatch(ifMatch);
    const current = await this.get(ctx, id);
    this.assertHost(ctx, current);
    if (dto.hosts !== undefined) {
      const want = JURISDICTIONS.filter((j) => dto.hosts!.includes(j));
      if (want.length !== current.hosts.length || want.some((j) => !current.hosts.includes(j)))
        throw agreementRequired(current.id);
    }
    const patch: Partial<EventValues> = {};
    if (dto.title !== undefined) patch.title = dto.title;
    if (dto.kind !== undefined) patch.kind = dto.kind;
    if (dto.startsAt !== undefined) patch.startsAt = new Date(dto.startsAt).toISOString();
    if (dto.endsAt !== undefined) patch.endsAt = new Date(dto.endsAt).toISOString();
    if (dto.venue !== undefined) patch.venue = dto.venue;
    if (dto.city !== undefined) patch.city = dto.city;
    if (dto.focusSegments !== undefined) patch.focusSegments = unique(dto.focusSegments);
    if (dto.budgetWan !== undefined) patch.budgetWan = dto.budgetWan;
    if (dto.summary !== undefined) patch.summary = dto.summary;
    await this.checkValues({ ...pick(current), ...patch } as EventValues);
    if (current.version !== expected) throw preconditionFailed(current.version);
    const changes = diffFields(pick(current), { ...pick(current), ...patch }, Object.keys(patch));
    if (!Object.keys(changes).length) return current;
    return this.ds.transaction(async (em) => {
      const { params, p } = sqlParams([current.id, expected]);
      const sets = Object.keys(changes).map(
        (f) => `${COLUMN_OF[f as keyof typeof COLUMN_OF]} = ${p(patch[f as keyof EventValues])}`,
      );
      const [row] = await sqlRows<EventRow>(
        em,
        `UPDATE promotion_events SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')}
          WHERE id = $1 AND version = $2 RETURNING id`,
        params,
      );
      if (!row) throw await this.staleOrGone(em, current.id);
      await this.audit.record(em, ctx, 'update', 'event', current.id, changes);
      return (await this.find(em, current.id))!;
    });
  }

  /** Replaces the invitee list (check-in is a status change to `attended`); If-Match optional. */
  async putInvitees(
    ctx: RequestContext,
    id: string,
    ifMatch: string | undefined,
    input: InviteeInputDto[],
  ): Promise<PromotionEvent> {
    id = requireUuidPath(id, 'event');
    const expected = ifMatch === undefined ? null : parseIfMatch(ifMatch);
    return this.ds.transaction(async (em) => {
      const current = await this.findForUpdate(em, id);
      if (!current) throw notFound('event');
      this.assertHost(ctx, current);
      if (expected !== null && current.version !== expected) throw preconditionFailed(current.version);
      const invitees = await this.resolveInvitees(em, input);
      const changes: FieldChanges = diffFields({ invitees: current.invitees }, { invitees });
      if (!Object.keys(changes).length) return (await this.find(em, id))!;
      await sqlRows(
        em,
        `UPDATE promotion_events SET invitees = $2::jsonb, version = version + 1, updated_at = now() WHERE id = $1`,
        [id, JSON.stringify(invitees)],
      );
      await this.audit.record(em, ctx, 'update', 'event', id, changes);
      return (await this.find(em, id))!;
    });
  }

  async proposeCohost(ctx: RequestContext, id: string, note?: string): Promise<AgreementViewDto> {
    id = requireUuidPath(id, 'event');
    return this.ds.transaction((em) =>
      this.agreements.propose<CohostChange>(em, ctx, EVENT_COHOST, id, { hosts: [...JURISDICTIONS] }, note),
    );
  }

  async suggestions(ctx: RequestContext, id: string, limit = 20): Promise<InviteeSuggestion[]> {
    const event = await this.get(ctx, id);
    if (!event.focusSegments.length) return [];
    const graph = await this.taxonomy.graph();
    const related = suggestionSegments(graph, event.focusSegments);
    const rows = await sqlRows<{
      id: string;
      name: string;
      jurisdiction: string;
      segments: string[];
      needs: string[];
      chain_leader: boolean;
    }>(
      this.ds,
      `SELECT id, name, jurisdiction, segments, needs, chain_leader FROM enterprises
        WHERE deleted_at IS NULL AND (segments && $1::text[] OR needs && $2::text[])`,
      [related, event.focusSegments],
    );
    const candidates: EnterpriseCandidate[] = rows.map((r) => ({
      id: r.id,
      name: r.name,
      jurisdiction: r.jurisdiction,
      segments: r.segments,
      needs: r.needs ?? [],
      chainLeader: r.chain_leader,
    }));
    const invited = event.invitees.map((i) => i.enterpriseId).filter((x): x is string => !!x);
    return suggestInvitees(graph, event.focusSegments, candidates, ctx.locale, { exclude: invited, limit });
  }

  /**
   * Outcomes (DESIGN §16): totals over every lead raised at the event, in both cities (private
   * leads count in the totals, never by name); the caller's visible leads listed as it sees them.
   */
  async outcomes(ctx: RequestContext, id: string): Promise<EventOutcomesDto> {
    const event = await this.get(ctx, id);
    const rows = await sqlRows<LeadRow>(
      this.ds,
      `SELECT * FROM leads WHERE event_id = $1 ORDER BY created_at, id`,
      [event.id],
    );
    const totals = eventOutcomes(
      rows.map((r) => ({
        stage: r.stage as LeadStage,
        resumeStage: (r.resume_stage as LeadStage | null) ?? null,
        signedAt: r.signed_at,
        contractAmountWan: r.contract_amount_wan === null ? null : Number(r.contract_amount_wan),
        fundsInPlaceWan: fundsTotal(r.funds_in_place ?? []),
      })),
      event.budgetWan,
    );
    const visibleLeads = rows.flatMap((r) => {
      const v = leadView(r, ctx.jurisdiction);
      return v
        ? [
            {
              id: v.id,
              title: v.title,
              jurisdiction: v.jurisdiction,
              stage: v.stage,
              contractAmountWan: v.contractAmountWan,
              fundsInPlaceWan: v.fundsInPlaceWan,
            },
          ]
        : [];
    });
    return { eventId: event.id, ...totals, byStage: totals.byStage as Record<string, number>, visibleLeads };
  }

  /** The events a calendar feed shows: from a year back, up to 1000, by start. */
  async calendarEvents(_jurisdiction: Jurisdiction): Promise<PromotionEvent[]> {
    const rows = await sqlRows<EventRow>(
      this.ds,
      `${SELECT} WHERE e.ends_at >= now() - interval '365 days' ORDER BY e.starts_at, e.id LIMIT 1000`,
    );
    return rows.map(toEvent);
  }

  /** A new calendar feed token for the caller (users only); the previous one stops working. */
  async newFeedToken(ctx: RequestContext): Promise<FeedTokenDto> {
    const userId = actorUserId(ctx);
    if (!userId) throw forbidden('USERS_ONLY', 'Calendar feed tokens belong to users');
    const token = `${FEED_TOKEN_PREFIX}${generateSecret()}`;
    await sqlRows(
      this.ds,
      `INSERT INTO calendar_feed_tokens (user_id, token_hash) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, created_at = now()`,
      [userId, sha256(token)],
    );
    return { token, path: `/api/v1/events.ics?token=${token}` };
  }

  async revokeFeedToken(ctx: RequestContext): Promise<void> {
    const userId = actorUserId(ctx);
    if (!userId) throw forbidden('USERS_ONLY', 'Calendar feed tokens belong to users');
    await sqlRows(this.ds, `DELETE FROM calendar_feed_tokens WHERE user_id = $1`, [userId]);
  }

  /** The jurisdiction of an active user's feed token; null for an unknown token or inactive user. */
  async feedTokenJurisdiction(token: string): Promise<Jurisdiction | null> {
    if (!token.startsWith(FEED_TOKEN_PREFIX) || token.length > 200) return null;
    const row = await sqlOne<{ jurisdiction: Jurisdiction }>(
      this.ds,
      `SELECT u.jurisdiction FROM calendar_feed_tokens t JOIN users u ON u.id = t.user_id
        WHERE t.token_hash = $1 AND u.active`,
      [sha256(token)],
    );
    return row?.jurisdiction ?? null;
  }

  private assertHost(ctx: RequestContext, e: PromotionEvent): void {
    if (!isHost(e, ctx.jurisdiction))
      throw forbidden(
        'NOT_EVENT_HOST',
        `This event is hosted by ${e.hosts.join(', ')}; only a host city changes it`,
      );
  }

  private async checkValues(v: EventValues): Promise<void> {
    throwIfInvalid([
      ...unknownSegments(await this.taxonomy.graph(), v.focusSegments, 'focusSegments'),
      ...(Date.parse(v.endsAt) < Date.parse(v.startsAt)
        ? [{ field: 'endsAt', message: 'must not be before startsAt' }]
        : []),
    ]);
  }

  /** Invitees of the base data take the enterprise's name; duplicates and unknown enterprises are refused. */
  private async resolveInvitees(db: Db, input: InviteeInputDto[]): Promise<Invitee[]> {
    const ids = unique(input.map((i) => i.enterpriseId?.toLowerCase()).filter((x): x is string => !!x));
    const names = new Map(
      (
        await sqlRows<{ id: string; name: string }>(
          db,
          `SELECT id, name FROM enterprises WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL`,
          [ids],
        )
      ).map((r) => [r.id, r.name]),
    );
    const seen = new Set<string>();
    const errors: { field: string; message: string }[] = [];
    const out: Invitee[] = input.map((i, n) => {
      const enterpriseId = i.enterpriseId?.toLowerCase() ?? null;
      const key = enterpriseId ?? `name:${i.name}`;
      if (seen.has(key)) errors.push({ field: `invitees[${n}]`, message: 'listed twice' });
      seen.add(key);
      if (enterpriseId && !names.has(enterpriseId))
        errors.push({ field: `invitees[${n}].enterpriseId`, message: 'no such enterprise' });
      if (!enterpriseId && !i.name)
        errors.push({ field: `invitees[${n}].name`, message: 'required without enterpriseId' });
      return {
        enterpriseId,
        name: enterpriseId ? (names.get(enterpriseId) ?? i.name ?? '') : i.name!,
        status: i.status ?? 'invited',
      };
    });
    throwIfInvalid(errors);
    return out;
  }

  private async staleOrGone(em: EntityManager, id: string): Promise<AppError> {
    const row = await sqlOne<{ version: number }>(em, `SELECT version FROM promotion_events WHERE id = $1`, [
      id,
    ]);
    return row ? preconditionFailed(row.version) : notFound('event');
  }
}

function pick(e: EventValues): Record<string, unknown> {
  return Object.fromEntries(EVENT_FIELDS.map((f) => [f, e[f]]));
}
