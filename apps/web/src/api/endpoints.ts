/**
 * Every call the UI makes, through the client typed from the OpenAPI document (schema.d.ts).
 * A changed path or parameter breaks `npm run typecheck`, not the user.
 */
import { ApiError, api, authFetch, unwrap } from './client';
import type { components } from './schema';
import type { SessionUser } from './session';
import type {
  Activity,
  Agreement,
  Assignee,
  AuditEntry,
  Collision,
  CollisionHit,
  Duplicate,
  Enterprise,
  Inbox,
  EventOutcomes,
  Invitee,
  InviteeSuggestion,
  Lead,
  LeadMatches,
  MatchItem,
  Page,
  Park,
  PromotionEvent,
  PipelineRow,
  Taxonomy,
  Jurisdiction,
} from './types';

type Query = Record<string, string | number | boolean | undefined>;
const clean = <T extends Query>(q: T) =>
  Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined && v !== '')) as never;

/** The version in a response's ETag ("<version>"). */
export function versionOf(response: Response, fallback?: number): number | undefined {
  const tag = response.headers.get('etag');
  const m = tag?.match(/^(?:W\/)?"?(\d+)"?$/);
  return m ? Number(m[1]) : fallback;
}
const ifMatch = (version: number) => ({ 'If-Match': `"${version}"` });

export const auth = {
  login: async (username: string, password: string) =>
    (await unwrap(api.POST('/api/v1/auth/login', { body: { username, password } }))).data as unknown as {
      accessToken: string;
      user: SessionUser;
    },
  logout: () => api.POST('/api/v1/auth/logout'),
};

export const taxonomy = async () => (await unwrap(api.GET('/api/v1/taxonomy'))).data as unknown as Taxonomy;

export const leads = {
  list: async (query: Query) =>
    (await unwrap(api.GET('/api/v1/leads', { params: { query: clean(query) } })))
      .data as unknown as Page<Lead>,
  get: async (id: string) => {
    const { data, response } = await unwrap(api.GET('/api/v1/leads/{id}', { params: { path: { id } } }));
    const lead = data as unknown as Lead;
    return { ...lead, version: versionOf(response, lead.version) ?? lead.version };
  },
  create: async (body: Record<string, unknown>, idempotencyKey: string) =>
    (
      await unwrap(
        api.POST('/api/v1/leads', {
          body: body as never,
          headers: { 'Idempotency-Key': idempotencyKey } as never,
        }),
      )
    ).data as unknown as Lead & { collisions: CollisionHit[] },
  patch: async (id: string, version: number, body: Record<string, unknown>) =>
    (
      await unwrap(
        api.PATCH('/api/v1/leads/{id}', {
          params: { path: { id }, header: ifMatch(version) },
          body: body as never,
        }),
      )
    ).data as unknown as Lead,
  /**
   * A stage move, with the milestone facts it brings (DESIGN §6); with the version the user saw, a
   * stale move answers 412 instead of overwriting.
   */
  move: async (
    id: string,
    stage: string,
    version?: number,
    note?: string,
    facts: Record<string, unknown> = {},
  ) =>
    (
      await unwrap(
        api.POST('/api/v1/leads/{id}/stage', {
          params: { path: { id }, header: version === undefined ? {} : ifMatch(version) },
          body: { stage, ...(note ? { note } : {}), ...facts } as never,
        }),
      )
    ).data as unknown as Lead,
  /** Adds one entry of funds in place (到位资金) to a signed lead. */
  addFunds: async (id: string, entry: { at: string; amountWan: number; note?: string }) =>
    (
      await unwrap(
        api.POST('/api/v1/leads/{id}/funds', {
          params: { path: { id }, header: {} },
          body: entry as never,
        }),
      )
    ).data as unknown as Lead,
  activities: async (id: string) =>
    (await unwrap(api.GET('/api/v1/leads/{id}/activities', { params: { path: { id } } })))
      .data as unknown as Page<Activity>,
  addActivity: async (id: string, body: { type: string; occurredAt: string; summary: string }) =>
    (
      await unwrap(
        api.POST('/api/v1/leads/{id}/activities', { params: { path: { id } }, body: body as never }),
      )
    ).data as unknown as Activity,
  matches: async (id: string) =>
    (await unwrap(api.GET('/api/v1/leads/{id}/matches', { params: { path: { id } } })))
      .data as unknown as LeadMatches,
  /** Managers: the active users of their city, to give leads to. */
  assignees: async () =>
    (await unwrap(api.GET('/api/v1/leads/assignees'))).data as unknown as { items: Assignee[] },
  assign: async (id: string, ownerId: string) =>
    (
      await unwrap(
        api.POST('/api/v1/leads/{id}/assign', { params: { path: { id } }, body: { ownerId } as never }),
      )
    ).data as unknown as Lead,
  archive: async (id: string, note?: string) =>
    (
      await unwrap(
        api.POST('/api/v1/leads/{id}/archive', {
          params: { path: { id } },
          body: (note ? { note } : {}) as never,
        }),
      )
    ).data as unknown as Lead,
  unarchive: async (id: string) =>
    (await unwrap(api.POST('/api/v1/leads/{id}/unarchive', { params: { path: { id } }, body: {} as never })))
      .data as unknown as Lead,
};

export const matches = {
  list: async (query: Query) =>
    (await unwrap(api.GET('/api/v1/matches', { params: { query: clean(query) } })))
      .data as unknown as Page<MatchItem>,
  decide: async (id: string, decision: 'accepted' | 'rejected', note?: string) =>
    (
      await unwrap(
        api.POST('/api/v1/matches/{id}/decision', {
          params: { path: { id } },
          body: (note ? { decision, note } : { decision }) as never,
        }),
      )
    ).data,
  /** Accepts or rejects several matches, all or none (422 names each refused id). */
  decideMany: async (ids: string[], decision: 'accepted' | 'rejected', note?: string) =>
    (
      await unwrap(
        api.POST('/api/v1/matches/decisions', {
          body: (note ? { ids, decision, note } : { ids, decision }) as never,
        }),
      )
    ).data as unknown as { items: MatchItem[] },
};

/** What waits on the signed-in user (the home page). */
export const inbox = async () => (await unwrap(api.GET('/api/v1/me/inbox'))).data as unknown as Inbox;

/** The action items of the user's city that are overdue or due within 30 days (DESIGN §15, §18). */
export const actionItemsDue = async (jurisdiction: Jurisdiction): Promise<ActionItem[]> =>
  (await cooperation.items({ jurisdiction })).filter(
    (i) => i.deadline === 'overdue' || i.deadline === 'at_risk',
  );

export const collisions = {
  list: async (query: Query) =>
    (await unwrap(api.GET('/api/v1/collisions', { params: { query: clean(query) } })))
      .data as unknown as Page<Collision>,
  resolve: async (id: string, resolution: string, note?: string) =>
    (
      await unwrap(
        api.POST('/api/v1/collisions/{id}/resolve', {
          params: { path: { id } },
          body: clean({ resolution, note }),
        }),
      )
    ).data as unknown as Collision,
};

export const duplicates = {
  list: async (query: Query) =>
    (await unwrap(api.GET('/api/v1/duplicates', { params: { query: clean(query) } })))
      .data as unknown as Page<Duplicate>,
  merge: async (id: string, note?: string) =>
    (
      await unwrap(
        api.POST('/api/v1/duplicates/{id}/merge', { params: { path: { id } }, body: clean({ note }) }),
      )
    ).data as unknown as Duplicate,
  dismiss: async (id: string, note?: string) =>
    (
      await unwrap(
        api.POST('/api/v1/duplicates/{id}/dismiss', { params: { path: { id } }, body: clean({ note }) }),
      )
    ).data as unknown as Duplicate,
};

/** 双方确认 (DESIGN §14): proposals of one city that the other accepts or declines. */
export const agreements = {
  list: async (query: Query) =>
    (await unwrap(api.GET('/api/v1/agreements', { params: { query: clean(query) } })))
      .data as unknown as Page<Agreement>,
  decide: async (id: string, action: 'accept' | 'decline' | 'withdraw', note?: string) => {
    const init = { params: { path: { id } }, body: clean({ note }) };
    const call =
      action === 'accept'
        ? api.POST('/api/v1/agreements/{id}/accept', init)
        : action === 'decline'
          ? api.POST('/api/v1/agreements/{id}/decline', init)
          : api.POST('/api/v1/agreements/{id}/withdraw', init);
    return (await unwrap(call)).data as unknown as Agreement;
  },
};

export const enterprises = {
  list: async (query: Query) =>
    (await unwrap(api.GET('/api/v1/enterprises', { params: { query: clean(query) } })))
      .data as unknown as Page<Enterprise>,
  get: async (id: string) => {
    const { data, response } = await unwrap(
      api.GET('/api/v1/enterprises/{id}', { params: { path: { id } } }),
    );
    const e = data as unknown as Enterprise;
    return { ...e, version: versionOf(response, e.version) ?? e.version };
  },
  patch: async (id: string, version: number, body: Record<string, unknown>) =>
    (
      await unwrap(
        api.PATCH('/api/v1/enterprises/{id}', {
          params: { path: { id }, header: ifMatch(version) },
          body: body as never,
        }),
      )
    ).data as unknown as Enterprise,
};

export const parks = {
  list: async (query: Query) =>
    (await unwrap(api.GET('/api/v1/parks', { params: { query: clean(query) } })))
      .data as unknown as Page<Park>,
  get: async (id: string) => {
    const { data, response } = await unwrap(api.GET('/api/v1/parks/{id}', { params: { path: { id } } }));
    const p = data as unknown as Park;
    return { ...p, version: versionOf(response, p.version) ?? p.version };
  },
  patch: async (id: string, version: number, body: Record<string, unknown>) =>
    (
      await unwrap(
        api.PATCH('/api/v1/parks/{id}', {
          params: { path: { id }, header: ifMatch(version) },
          body: body as never,
        }),
      )
    ).data as unknown as Park,
  proposeJurisdictions: async (id: string, jurisdictions: string[], note?: string) =>
    (
      await unwrap(
        api.POST('/api/v1/parks/{id}/jurisdiction-proposals', {
          params: { path: { id } },
          body: (note ? { jurisdictions, note } : { jurisdictions }) as never,
        }),
      )
    ).data as unknown as Agreement,
};

/** A report period: days YYYY-MM-DD (China Standard Time), both included. */
export interface Period {
  from?: string;
  to?: string;
}

export const reports = {
  pipeline: async (groupBy: string, period: Period = {}) =>
    (await unwrap(api.GET('/api/v1/reports/pipeline', { params: { query: clean({ groupBy, ...period }) } })))
      .data as unknown as {
      groups: PipelineRow[];
      totals: Omit<PipelineRow, 'jurisdiction' | 'industry' | 'stage'>;
    },
  summary: async (period: Period = {}) =>
    (await unwrap(api.GET('/api/v1/reports/summary', { params: { query: clean({ ...period }) } })))
      .data as unknown as Record<string, unknown>,
};

export const audit = async (entity: string, entityId: string) =>
  (await unwrap(api.GET('/api/v1/audit', { params: { query: { entity, entityId } as never } })))
    .data as unknown as Page<AuditEntry>;

/** The audit page's search: who (actorId), what (entity, action), when (since, until). */
export const auditSearch = async (query: Query) =>
  (await unwrap(api.GET('/api/v1/audit', { params: { query: clean(query) } })))
    .data as unknown as Page<AuditEntry>;

export const admin = {
  users: async () =>
    (await unwrap(api.GET('/api/v1/users'))).data as unknown as Page<SessionUser> | SessionUser[],
  createUser: async (body: Record<string, unknown>) =>
    (await unwrap(api.POST('/api/v1/users', { body: body as never }))).data,
  patchUser: async (id: string, body: Record<string, unknown>) =>
    (await unwrap(api.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body: body as never }))).data,
  keys: async () => (await unwrap(api.GET('/api/v1/api-keys'))).data as unknown,
  createKey: async (name: string, scopes: string[]) =>
    (await unwrap(api.POST('/api/v1/api-keys', { body: { name, scopes } as never }))).data as unknown as {
      id: string;
      key: string;
    },
  revokeKey: async (id: string) => unwrap(api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id } } })),
  webhooks: async () => (await unwrap(api.GET('/api/v1/webhooks'))).data as unknown,
  createWebhook: async (url: string, events: string[]) =>
    (await unwrap(api.POST('/api/v1/webhooks', { body: { url, events } as never }))).data as unknown as {
      id: string;
      secret: string;
    },
  deleteWebhook: async (id: string) =>
    unwrap(api.DELETE('/api/v1/webhooks/{id}', { params: { path: { id } } })),
  deliveries: async (id: string) =>
    (await unwrap(api.GET('/api/v1/webhooks/{id}/deliveries', { params: { path: { id } } }))).data as unknown,
  rematch: async () =>
    (await unwrap(api.POST('/api/v1/matching/rematch', { body: {} }))).data as unknown as { jobId: string },
  rematchStatus: async (jobId: string) =>
    (await unwrap(api.GET('/api/v1/matching/rematch/{jobId}', { params: { path: { jobId } } })))
      .data as unknown as {
      state?: string;
      status?: string;
      progress?: number | { done?: number; total?: number };
    },
};

/** Items of a list response, whether it is a page or a plain array. */
export function itemsOf<T>(value: unknown): T[] {
  if (Array.isArray(value)) return value as T[];
  if (value && typeof value === 'object' && Array.isArray((value as { items?: unknown }).items))
    return (value as { items: T[] }).items;
  return [];
}

export interface NotificationItem {
  id: string;
  seq: number;
  type: string;
  title: string;
  body: string;
  link: string;
  createdAt: string;
  readAt: string | null;
}
export type NotificationMode = 'in_app' | 'digest' | 'off';
export interface NotificationPreferences {
  email: string | null;
  modes: Record<string, NotificationMode>;
}

/** The bell, its drawer and the settings page (DESIGN §18). */
export const notifications = {
  list: async (query: Query) =>
    (await unwrap(api.GET('/api/v1/notifications', { params: { query: clean(query) } })))
      .data as unknown as Page<NotificationItem>,
  unread: async () => (await unwrap(api.GET('/api/v1/notifications/unread-count'))).data.unread,
  read: async (body: { ids: string[] } | { all: true }) =>
    (await unwrap(api.POST('/api/v1/notifications/read', { body: body as never }))).data,
  ticket: async () => (await unwrap(api.POST('/api/v1/notifications/stream-ticket'))).data.ticket,
  preferences: async () =>
    (await unwrap(api.GET('/api/v1/notifications/preferences'))).data as unknown as NotificationPreferences,
  savePreferences: async (body: { email?: string | null; modes?: Record<string, NotificationMode> }) =>
    (await unwrap(api.PUT('/api/v1/notifications/preferences', { body: body as never })))
      .data as unknown as NotificationPreferences,
};

/** The cooperation mechanism (DESIGN §15): action plan, responsibility list, joint meetings. */
export type ActionPlan = components['schemas']['ActionPlanDto'];
export type ActionItem = components['schemas']['ActionItemDto'];
export type ActionUnit = components['schemas']['ActionUnitDto'];
export type Meeting = components['schemas']['MeetingDto'];
export type MeetingPack = components['schemas']['MeetingPackDto'];

export const cooperation = {
  plans: async () => (await unwrap(api.GET('/api/v1/action-plans'))).data.items,
  items: async (query: Query) =>
    (await unwrap(api.GET('/api/v1/action-items', { params: { query: clean(query) } }))).data.items,
  item: async (id: string) => {
    const { data, response } = await unwrap(
      api.GET('/api/v1/action-items/{id}', { params: { path: { id } } }),
    );
    return { ...data, version: versionOf(response, data.version) ?? data.version };
  },
  report: async (id: string, body: { progress: number; text: string; status?: string }) =>
    (
      await unwrap(
        api.POST('/api/v1/action-items/{id}/reports', {
          params: { path: { id } },
          body: clean(body) as never,
        }),
      )
    ).data,
  patch: async (id: string, version: number, body: Record<string, unknown>) =>
    (
      await unwrap(
        api.PATCH('/api/v1/action-items/{id}', {
          params: { path: { id }, header: ifMatch(version) },
          body: body as never,
        }),
      )
    ).data,
  proposeChange: async (id: string, body: Record<string, unknown>) =>
    (
      await unwrap(
        api.POST('/api/v1/action-items/{id}/change-proposals', {
          params: { path: { id } },
          body: body as never,
        }),
      )
    ).data as unknown as Agreement,
  meetings: async () => (await unwrap(api.GET('/api/v1/meetings'))).data.items,
  meeting: async (id: string) =>
    (await unwrap(api.GET('/api/v1/meetings/{id}', { params: { path: { id } } }))).data,
  createMeeting: async (body: Record<string, unknown>) =>
    (await unwrap(api.POST('/api/v1/meetings', { body: body as never }))).data,
  decisionToItem: async (id: string, index: number, body: Record<string, unknown>) =>
    (
      await unwrap(
        api.POST('/api/v1/meetings/{id}/decisions/{index}/action-item', {
          params: { path: { id, index } },
          body: body as never,
        }),
      )
    ).data,
  pack: async (id: string) =>
    (await unwrap(api.GET('/api/v1/meetings/{id}/pack', { params: { path: { id }, query: {} } })))
      .data as unknown as MeetingPack,
  /** Downloads the pack as a Word or Excel file (the browser saves it). */
  download: async (id: string, format: 'docx' | 'xlsx', fallbackName: string) => {
    const res = await authFetch(new Request(`/api/v1/meetings/${id}/pack?format=${format}`));
    if (!res.ok) throw new ApiError(res.status, (await res.json().catch(() => ({}))) as ApiError['body']);
    const disposition = res.headers.get('content-disposition') ?? '';
    const m = disposition.match(/filename\*=UTF-8''([^;]+)/);
    const name = m ? decodeURIComponent(m[1]) : `${fallbackName}.${format}`;
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    return name;
  },
};

/** Joint promotion events (DESIGN §16). */
export const events = {
  list: async (query: Query) =>
    (await unwrap(api.GET('/api/v1/events', { params: { query: clean(query) } })))
      .data as unknown as Page<PromotionEvent>,
  get: async (id: string) => {
    const { data, response } = await unwrap(api.GET('/api/v1/events/{id}', { params: { path: { id } } }));
    const e = data as unknown as PromotionEvent;
    return { ...e, version: versionOf(response, e.version) ?? e.version };
  },
  create: async (body: Record<string, unknown>, idempotencyKey: string) =>
    (
      await unwrap(
        api.POST('/api/v1/events', {
          body: body as never,
          headers: { 'Idempotency-Key': idempotencyKey } as never,
        }),
      )
    ).data as unknown as PromotionEvent,
  update: async (id: string, version: number, body: Record<string, unknown>) =>
    (
      await unwrap(
        api.PATCH('/api/v1/events/{id}', {
          params: { path: { id }, header: ifMatch(version) as never },
          body: body as never,
        }),
      )
    ).data as unknown as PromotionEvent,
  putInvitees: async (id: string, version: number, invitees: Partial<Invitee>[]) =>
    (
      await unwrap(
        api.PUT('/api/v1/events/{id}/invitees', {
          params: { path: { id }, header: ifMatch(version) as never },
          body: { invitees } as never,
        }),
      )
    ).data as unknown as PromotionEvent,
  suggestions: async (id: string, limit = 20) =>
    (
      (
        await unwrap(
          api.GET('/api/v1/events/{id}/suggested-invitees', { params: { path: { id }, query: { limit } } }),
        )
      ).data as unknown as { items: InviteeSuggestion[] }
    ).items,
  outcomes: async (id: string) =>
    (await unwrap(api.GET('/api/v1/events/{id}/outcomes', { params: { path: { id } } })))
      .data as unknown as EventOutcomes,
  proposeCohost: async (id: string, note?: string) =>
    (
      await unwrap(
        api.POST('/api/v1/events/{id}/cohost-proposals', { params: { path: { id } }, body: clean({ note }) }),
      )
    ).data as unknown as { id: string },
  feedToken: async () =>
    (await unwrap(api.POST('/api/v1/events/feed-token'))).data as unknown as { token: string; path: string },
};
