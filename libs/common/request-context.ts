export type Jurisdiction = 'beibei' | 'mianyang';
export const JURISDICTIONS: readonly Jurisdiction[] = ['beibei', 'mianyang'] as const;
export type Role = 'officer' | 'manager' | 'admin';
export const ROLES: readonly Role[] = ['officer', 'manager', 'admin'] as const;

export const SCOPES = [
  'leads:read',
  'leads:write',
  'base:read',
  'base:write',
  'changes:read',
  'matches:read',
  'webhooks:manage',
] as const;
export type Scope = (typeof SCOPES)[number];

export type Actor =
  | { type: 'user'; id: string; username: string; displayName: string; role: Role }
  | { type: 'api_key'; id: string; name: string; scopes: Scope[] }
  | { type: 'system'; id: null; name: string };

/**
 * Who is calling and on whose behalf (STYLE: "a request context travels first").
 * Every query on tenant data takes its jurisdiction from here and nowhere else.
 */
export interface RequestContext {
  requestId: string;
  actor: Actor;
  jurisdiction: Jurisdiction;
  /** The partner jurisdiction, for visibility rules of shared records. */
  partner: Jurisdiction;
  /** en or zh-CN, from Accept-Language. */
  locale: 'zh-CN' | 'en';
}

export function partnerOf(j: Jurisdiction): Jurisdiction {
  return j === 'beibei' ? 'mianyang' : 'beibei';
}

export function roleOf(ctx: RequestContext): Role | null {
  return ctx.actor.type === 'user' ? ctx.actor.role : null;
}

export function isManager(ctx: RequestContext): boolean {
  const role = roleOf(ctx);
  return role === 'manager' || role === 'admin';
}

export function actorId(ctx: RequestContext): string | null {
  return ctx.actor.type === 'system' ? null : ctx.actor.id;
}

export function actorUserId(ctx: RequestContext): string | null {
  return ctx.actor.type === 'user' ? ctx.actor.id : null;
}


export function localeOf(acceptLanguage: string | undefined): 'zh-CN' | 'en' {
  return acceptLanguage && /^\s*en\b/i.test(acceptLanguage) ? 'en' : 'zh-CN';
}
