import { describe, expect, it } from 'vitest';
import { filtersFromSearch, filtersToQuery, filtersToSearch, type LeadFilters } from './filters';

describe('leads filters ↔ URL', () => {
  it('round-trips every filter through the query string', () => {
    const filters: LeadFilters = {
      industry: 'nev',
      segment: 'nev.battery-cell',
      stage: 'negotiating',
      jurisdiction: 'mianyang',
      sharing: 'shared',
      ownerId: '7f1d0c1e-0000-4000-8000-000000000001',
      q: '宁德 时代&Co',
    };
    const search = filtersToSearch(filters);
    expect(filtersFromSearch(search)).toEqual(filters);
    expect(filtersFromSearch(`?${search}`)).toEqual(filters);
  });

  it('drops empty values and unknown parameters', () => {
    expect(filtersToSearch({ industry: '', q: '  ', stage: 'lead' })).toBe('stage=lead');
    expect(filtersFromSearch('stage=lead&foo=bar&q=')).toEqual({ stage: 'lead' });
  });

  it('writes keys in a stable order so equal filters give equal links', () => {
    expect(filtersToSearch({ q: 'x', industry: 'ngit' })).toBe(filtersToSearch({ industry: 'ngit', q: 'x' }));
  });

  it('gives the API query without empty values', () => {
    expect(filtersToQuery({ stage: 'signed', q: '' })).toEqual({ stage: 'signed' });
  });
});
