import type { Jurisdiction } from '../common/request-context';
import { num } from './base-data';

export interface ExternalRef {
  system: string;
  id: string;
}

/** An enterprise of the shared base data (DESIGN §4), as the API shows it. */
export interface Enterprise {
  id: string;
  name: string;
  uscc: string | null;
  jurisdiction: Jurisdiction;
  segments: string[];
  needs: string[];
  chainLeader: boolean;
  revenueWan: number | null;
  employees: number | null;
  address: string | null;
  tags: string[];
  externalRefs: ExternalRef[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The fields a caller edits; the ones audit entries and change detection look at. */
export const ENTERPRISE_FIELDS = [
  'name',
  'uscc',
  'jurisdiction',
  'segments',
  'needs',
  'chainLeader',
  'revenueWan',
  'employees',
  'address',
  'tags',
  'externalRefs',
] as const;
export type EnterpriseField = (typeof ENTERPRISE_FIELDS)[number];
export type EnterpriseValues = Pick<Enterprise, EnterpriseField>;

export interface EnterpriseRow {
  id: string;
  name: string;
  uscc: string | null;
  jurisdiction: Jurisdiction;
  segments: string[];
  needs: string[];
  chain_leader: boolean;
  revenue_wan: string | null;
  employees: number | null;
  address: string | null;
  tags: string[];
  external_refs: ExternalRef[];
  version: number;
  created_at: Date;
  updated_at: Date;
}

export function toEnterprise(r: EnterpriseRow): Enterprise {
  return {
    id: r.id,
    name: r.name,
    uscc: r.uscc,
    jurisdiction: r.jurisdiction,
    segments: r.segments,
    needs: r.needs,
    chainLeader: r.chain_leader,
    revenueWan: num(r.revenue_wan),
    employees: r.employees,
    address: r.address,
    tags: r.tags,
    externalRefs: r.external_refs,
    version: r.version,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}
