/** Leads-list filters ↔ URL query string, so a link reproduces the view. */
export interface LeadFilters {
  industry?: string;
  segment?: string;
  stage?: string;
  jurisdiction?: string;
  sharing?: string;
  ownerId?: string;
  q?: string;
}

export const FILTER_KEYS: (keyof LeadFilters)[] = [
  'industry',
  'segment',
  'stage',
  'jurisdiction',
  'sharing',
  'ownerId',
  'q',
];

export function filtersFromSearch(search: string | URLSearchParams): LeadFilters {
  const params = typeof search === 'string' ? new URLSearchParams(search) : search;
  const filters: LeadFilters = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key)?.trim();
    if (value) filters[key] = value;
  }
  return filters;
}

export function filtersToSearch(filters: LeadFilters): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = filters[key]?.trim();
    if (value) params.set(key, value);
  }
  return params.toString();
}

/** Query parameters for GET /leads (empty values left out). */
export function filtersToQuery(filters: LeadFilters): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(filtersToSearch(filters)));
}
