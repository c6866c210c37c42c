import type { FieldError } from '../common/errors';
import type { Jurisdiction } from '../common/request-context';
import { num } from '../enterprises/base-data';

/** A park or carrier of the shared base data (DESIGN §4, §9), as the API shows it. */
export interface Park {
  id: string;
  name: string;
  nameEn: string | null;
  jurisdictions: Jurisdiction[];
  coBuilt: boolean;
  targetSegments: string[];
  availableLandMu: number | null;
  factorySpaceSqm: number | null;
  incentives: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const PARK_FIELDS = [
  'name',
  'nameEn',
  'jurisdictions',
  'coBuilt',
  'targetSegments',
  'availableLandMu',
  'factorySpaceSqm',
  'incentives',
] as const;
export type ParkField = (typeof PARK_FIELDS)[number];
export type ParkValues = Pick<Park, ParkField>;

export interface ParkRow {
  id: string;
  name: string;
  name_en: string | null;
  jurisdictions: Jurisdiction[];
  co_built: boolean;
  target_segments: string[];
  available_land_mu: string | null;
  factory_space_sqm: string | null;
  incentives: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export function toPark(r: ParkRow): Park {
  return {
    id: r.id,
    name: r.name,
    nameEn: r.name_en,
    jurisdictions: r.jurisdictions,
    coBuilt: r.co_built,
    targetSegments: r.target_segments,
    availableLandMu: num(r.available_land_mu),
    factorySpaceSqm: num(r.factory_space_sqm),
    incentives: r.incentives,
    version: r.version,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/**
 * Who a park belongs to (DESIGN §4–5, §9): the caller must stay one of its jurisdictions (a park
 * cannot be created for, or handed over to, the partner alone), and a park is co-built exactly
 * when it names both jurisdictions.
 */
export function parkOwnershipErrors(
  caller: Jurisdiction,
  jurisdictions: readonly Jurisdiction[],
  coBuilt: boolean,
): FieldError[] {
  if (!jurisdictions.includes(caller)) {
    return [{ field: 'jurisdictions', message: `must include the caller’s jurisdiction (${caller})` }];
  }
  if (coBuilt !== (jurisdictions.length === 2)) {
    return [
      {
        field: 'coBuilt',
        message: 'a co-built park names both jurisdictions; any other park names exactly one',
      },
    ];
  }
  return [];
}

/** What a park's jurisdictions and co-built flag become (sorted, co-built exactly when both). */
export function parkJurisdictionsChange(
  all: readonly Jurisdiction[],
  wanted: readonly Jurisdiction[],
): { jurisdictions: Jurisdiction[]; coBuilt: boolean } {
  const jurisdictions = all.filter((j) => wanted.includes(j));
  return { jurisdictions, coBuilt: jurisdictions.length === all.length && all.length > 1 };
}

/**
 * DESIGN §5, §14: neither city alone adds, removes or replaces a jurisdiction of a park, nor
 * makes one co-built; only an agreement accepted by the other city does. True when a create or
 * PATCH asks for that.
 */
export function changesParkOwnership(
  current: Pick<Park, 'jurisdictions' | 'coBuilt'>,
  next: Pick<Park, 'jurisdictions' | 'coBuilt'>,
): boolean {
  return (
    current.coBuilt !== next.coBuilt ||
    current.jurisdictions.length !== next.jurisdictions.length ||
    current.jurisdictions.some((j) => !next.jurisdictions.includes(j))
  );
}
