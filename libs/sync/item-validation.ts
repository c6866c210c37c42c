import { decimalPlaces } from '../common/decimal';
import type { FieldError } from '../common/errors';
import { normaliseInvestorName } from '../leads/investor-name';
import { checkAmount, checkFactDate, readFunds } from '../leads/lead-milestones';
import type { LeadValues } from '../leads/lead-upsert-plan';
import { isLeadStage } from '../leads/lead-stage';
import { MAX_DATE_TIME_LENGTH } from '../leads/lead.dto';
import type { TaxonomyGraph } from '../taxonomy/taxonomy';
import { isValidUscc } from '../uscc/uscc';

/**
 * Per-item validation of bulk sync items (DESIGN §11: "one bad item never rejects the others").
 * Hand-written rather than class-validator: it runs on up to 1,000 items a request on the hot
 * path, and every error must name the item's own field (`investor.uscc`, `segments[2]`).
 * The bulk semantics are "the item is the record": an omitted optional field is reset to its
 * default, so pushing the same item twice is `unchanged`.
 */
export interface ExternalRef {
  system: string;
  id: string;
}

export interface EnterpriseValues {
  name: string;
  uscc: string | null;
  segments: string[];
  needs: string[];
  chain_leader: boolean;
  revenue_wan: number | null;
  employees: number | null;
  address: string | null;
  tags: string[];
}

export type Checked<T> =
  | { ok: true; externalRef: ExternalRef | null; values: T }
  | { ok: false; externalRef: ExternalRef | null; errors: FieldError[] };

export const LEAD_SOURCES = ['referral', 'event', 'inbound', 'partner_system', 'research', 'other'] as const;
export const SHARINGS = ['private', 'shared'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

class Reader {
  readonly errors: FieldError[] = [];
  constructor(
    private readonly obj: Record<string, unknown>,
    private readonly prefix = '',
  ) {}

  private path(f: string) {
    return this.prefix ? `${this.prefix}.${f}` : f;
  }
  fail(field: string, message: string) {
    this.errors.push({ field: this.path(field), message });
  }
  only(allowed: readonly string[]) {
    for (const k of Object.keys(this.obj)) if (!allowed.includes(k)) this.fail(k, 'unknown field');
  }
  string(f: string, opts: { required?: boolean; max: number; min?: number }): string | null {
    const v = this.obj[f];
    if (v === undefined || v === null) {
      if (opts.required) this.fail(f, 'is required');
      return null;
    }
    if (typeof v !== 'string') return (this.fail(f, 'must be a string'), null);
    const t = v.trim();
    if (t.length < (opts.min ?? (opts.required ? 1 : 0))) return (this.fail(f, 'must not be empty'), null);
    if (t.length > opts.max) return (this.fail(f, `must be at most ${opts.max} characters`), null);
    return t;
  }
  number(f: string, opts: { min: number; max: number; integer?: boolean; places?: number }): number | null {
    const v = this.obj[f];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'number' || !Number.isFinite(v)) return (this.fail(f, 'must be a number'), null);
    if (opts.integer && !Number.isInteger(v)) return (this.fail(f, 'must be an integer'), null);
    if (opts.places !== undefined && decimalPlaces(v) > opts.places)
      return (this.fail(f, `must be a number with at most ${opts.places} decimal places`), null);
    if (v < opts.min || v > opts.max)
      return (this.fail(f, `must be between ${opts.min} and ${opts.max}`), null);
    return v;
  }
  boolean(f: string, fallback: boolean): boolean {
    const v = this.obj[f];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') return (this.fail(f, 'must be a boolean'), fallback);
    return v;
  }
  oneOf<T extends string>(f: string, values: readonly T[], fallback: T): T {
    const v = this.obj[f];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'string' || !values.includes(v as T)) {
      return (this.fail(f, `must be one of ${values.join(', ')}`), fallback);
    }
    return v as T;
  }
  segments(f: string, graph: TaxonomyGraph, required: boolean): string[] {
    const v = this.obj[f];
    if (v === undefined || v === null) {
      if (required) this.fail(f, 'is required (at least one segment)');
      return [];
    }
    if (!Array.isArray(v)) return (this.fail(f, 'must be an array of segment codes'), []);
    if (required && v.length === 0) return (this.fail(f, 'must name at least one segment'), []);
    if (v.length > 50) return (this.fail(f, 'at most 50 segments'), []);
    const out: string[] = [];
    v.forEach((s, i) => {
      if (typeof s !== 'string' || !graph.hasSegment(s))
        this.fail(`${f}[${i}]`, `unknown segment ${String(s)}`);
      else if (!out.includes(s)) out.push(s);
    });
    return out;
  }
  strings(f: string, maxItems: number, maxLen: number): string[] {
    const v = this.obj[f];
    if (v === undefined || v === null) return [];
    if (
      !Array.isArray(v) ||
      v.some((s) => typeof s !== 'string' || s.length > maxLen) ||
      v.length > maxItems
    ) {
      return (
        this.fail(f, `must be an array of at most ${maxItems} strings of at most ${maxLen} characters`),
        []
      );
    }
    return [...new Set(v as string[])];
  }
  /** A milestone day YYYY-MM-DD (DESIGN §6). */
  factDate(f: string): string | null {
    const v = this.obj[f];
    if (v === undefined || v === null) return null;
    const problem = checkFactDate(v);
    return problem ? (this.fail(f, problem), null) : (v as string);
  }
  amount(f: string): number | null {
    const v = this.obj[f];
    if (v === undefined || v === null) return null;
    const problem = checkAmount(v);
    return problem ? (this.fail(f, problem), null) : (v as number);
  }
  uscc(f: string): string | null {
    const v = this.string(f, { max: 18 });
    if (v === null) return null;
    const up = v.toUpperCase();
    if (!isValidUscc(up)) return (this.fail(f, 'must be a valid 18-character USCC (GB 32100-2015)'), null);
    return up;
  }
  object(f: string, required: boolean): Record<string, unknown> | null {
    const v = this.obj[f];
    if (v === undefined || v === null) {
      if (required) this.fail(f, 'is required');
      return null;
    }
    if (typeof v !== 'object' || Array.isArray(v)) return (this.fail(f, 'must be an object'), null);
    return v as Record<string, unknown>;
  }
  child(f: string, obj: Record<string, unknown>): Reader {
    return new Reader(obj, this.path(f));
  }
  absorb(r: Reader) {
    this.errors.push(...r.errors);
  }
}

function readExternalRef(r: Reader, obj: Record<string, unknown>, required: boolean): ExternalRef | null {
  const o = r.object('externalRef', required);
  if (!o) return null;
  const c = r.child('externalRef', o);
  c.only(['system', 'id']);
  const system = c.string('system', { required: true, max: 64 });
  const id = c.string('id', { required: true, max: 200 });
  r.absorb(c);
  void obj;
  return system && id ? { system, id } : null;
}

const LEAD_FIELDS = [
  'externalRef',
  'title',
  'investor',
  'summary',
  'segments',
  'plannedInvestmentWan',
  'landNeedMu',
  'expectedJobs',
  'stage',
  'sharing',
  'confidential',
  'codeName',
  'source',
  'nextActionAt',
  'contacts',
  'ownerId',
  'partnerSummary',
  'signedAt',
  'contractAmountWan',
  'projectUscc',
  'startedAt',
  'operatingAt',
  'fundsInPlace',
];

export function checkLeadItem(raw: unknown, graph: TaxonomyGraph): Checked<LeadValues> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, externalRef: null, errors: [{ field: '', message: 'item must be an object' }] };
  }
  const obj = raw as Record<string, unknown>;
  const r = new Reader(obj);
  r.only(LEAD_FIELDS);
  const externalRef = readExternalRef(r, obj, true);
  const title = r.string('title', { required: true, max: 200 });
  const inv = r.object('investor', true);
  let investor = {
    name: null as string | null,
    uscc: null as string | null,
    enterpriseId: null as string | null,
    country: null as string | null,
  };
  if (inv) {
    const c = r.child('investor', inv);
    c.only(['name', 'uscc', 'enterpriseId', 'country']);
    investor = {
      name: c.string('name', { required: true, max: 200 }),
      uscc: c.uscc('uscc'),
      enterpriseId: c.string('enterpriseId', { max: 36 }),
      country: c.string('country', { max: 64 }),
    };
    if (investor.enterpriseId && !UUID.test(investor.enterpriseId)) {
      c.fail('enterpriseId', 'must be a UUID');
      investor.enterpriseId = null;
    }
    r.absorb(c);
  }
  const summary = r.string('summary', { max: 10_000 }) ?? '';
  const segments = r.segments('segments', graph, true);
  const planned = r.number('plannedInvestmentWan', { min: 0, max: 1e12, places: 2 }) ?? 0;
  const landNeedMu = r.number('landNeedMu', { min: 0, max: 1e9, places: 2 });
  const expectedJobs = r.number('expectedJobs', { min: 0, max: 10_000_000, integer: true });
  const stageRaw = obj.stage ?? 'lead';
  let stage = 'lead';
  if (typeof stageRaw !== 'string' || !isLeadStage(stageRaw)) r.fail('stage', 'unknown stage');
  else stage = stageRaw;
  const sharing = r.oneOf('sharing', SHARINGS, 'private');
  const confidential = r.boolean('confidential', false);
  const codeName = r.string('codeName', { max: 100 });
  if (confidential && !codeName) r.fail('codeName', 'is required when confidential is true');
  const source = r.oneOf('source', LEAD_SOURCES, 'partner_system');
  let nextActionAt: string | null = null;
  if (obj.nextActionAt !== undefined && obj.nextActionAt !== null) {
    const t =
      typeof obj.nextActionAt === 'string' && obj.nextActionAt.length <= MAX_DATE_TIME_LENGTH
        ? Date.parse(obj.nextActionAt)
        : NaN;
    if (Number.isNaN(t)) r.fail('nextActionAt', 'must be an ISO 8601 date-time');
    else nextActionAt = new Date(t).toISOString();
  }
  const contacts: LeadValues['contacts'] = [];
  if (obj.contacts !== undefined && obj.contacts !== null) {
    if (!Array.isArray(obj.contacts) || obj.contacts.length > 50)
      r.fail('contacts', 'must be an array of at most 50 contacts');
    else
      obj.contacts.forEach((c, i) => {
        if (typeof c !== 'object' || c === null || Array.isArray(c))
          return r.fail(`contacts[${i}]`, 'must be an object');
        const cr = r.child(`contacts[${i}]`, c as Record<string, unknown>);
        cr.only(['name', 'title', 'phone', 'email']);
        const contact: LeadValues['contacts'][number] = {
          name: cr.string('name', { required: true, max: 100 }) ?? '',
        };
        const t = cr.string('title', { max: 100 });
        const p = cr.string('phone', { max: 40 });
        const e = cr.string('email', { max: 200 });
        if (e && !EMAIL.test(e)) cr.fail('email', 'must be an email address');
        if (t) contact.title = t;
        if (p) contact.phone = p;
        if (e) contact.email = e;
        r.absorb(cr);
        contacts.push(contact);
      });
  }
  let ownerId: string | null | undefined;
  if (obj.ownerId === null) ownerId = null;
  else if (obj.ownerId !== undefined) {
    if (typeof obj.ownerId !== 'string' || !UUID.test(obj.ownerId))
      r.fail('ownerId', 'must be a UUID or null');
    else ownerId = obj.ownerId.toLowerCase();
  }
  const partnerSummary = r.string('partnerSummary', { max: 10_000 });
  const signedAt = r.factDate('signedAt');
  const contractAmountWan = r.amount('contractAmountWan');
  const projectUscc = r.uscc('projectUscc');
  const startedAt = r.factDate('startedAt');
  const operatingAt = r.factDate('operatingAt');
  const funds = readFunds(obj.fundsInPlace);
  r.errors.push(...funds.errors);
  if (r.errors.length) return { ok: false, externalRef, errors: r.errors };
  return {
    ok: true,
    externalRef,
    values: {
      title: title!,
      investor_name: investor.name!,
      investor_norm: normaliseInvestorName(investor.name!),
      investor_uscc: investor.uscc,
      investor_enterprise_id: investor.enterpriseId,
      investor_country: investor.country,
      summary,
      segments,
      industries: graph.industriesOf(segments),
      planned_investment_wan: planned,
      land_need_mu: landNeedMu,
      expected_jobs: expectedJobs,
      stage,
      sharing,
      confidential,
      code_name: codeName,
      source,
      next_action_at: nextActionAt,
      contacts,
      partner_summary: partnerSummary || null,
      signed_at: signedAt,
      contract_amount_wan: contractAmountWan,
      project_uscc: projectUscc,
      started_at: startedAt,
      operating_at: operatingAt,
      funds_in_place: funds.funds,
      ...(ownerId !== undefined ? { owner_id: ownerId } : {}),
    },
  };
}

const ENTERPRISE_FIELDS = [
  'externalRef',
  'name',
  'uscc',
  'segments',
  'needs',
  'chainLeader',
  'revenueWan',
  'employees',
  'address',
  'tags',
];

export function checkEnterpriseItem(raw: unknown, graph: TaxonomyGraph): Checked<EnterpriseValues> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, externalRef: null, errors: [{ field: '', message: 'item must be an object' }] };
  }
  const obj = raw as Record<string, unknown>;
  const r = new Reader(obj);
  r.only(ENTERPRISE_FIELDS);
  const externalRef = readExternalRef(r, obj, false);
  const name = r.string('name', { required: true, max: 200 });
  const uscc = r.uscc('uscc');
  if (
    !externalRef &&
    !uscc &&
    !r.errors.some((e) => e.field.startsWith('externalRef') || e.field === 'uscc')
  ) {
    r.fail('externalRef', 'an item needs an externalRef or a uscc to be keyed by');
  }
  const segments = r.segments('segments', graph, true);
  const needs = r.segments('needs', graph, false);
  const chainLeader = r.boolean('chainLeader', false);
  const revenueWan = r.number('revenueWan', { min: 0, max: 1e13, places: 2 });
  const employees = r.number('employees', { min: 0, max: 10_000_000, integer: true });
  const address = r.string('address', { max: 500 });
  const tags = r.strings('tags', 50, 50);
  if (r.errors.length) return { ok: false, externalRef, errors: r.errors };
  return {
    ok: true,
    externalRef,
    values: {
      name: name!,
      uscc,
      segments,
      needs,
      chain_leader: chainLeader,
      revenue_wan: revenueWan,
      employees,
      address,
      tags,
    },
  };
}
