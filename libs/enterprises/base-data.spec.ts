import { TaxonomyGraph, referenceTaxonomy } from '../taxonomy/taxonomy';
import { escapeLike, num, unique, unknownSegments } from './base-data';

describe('base-data helpers', () => {
  const graph = new TaxonomyGraph(referenceTaxonomy());

  it('names each unknown segment by its index', () => {
    expect(
      unknownSegments(graph, ['ngit.sensors', 'x.y', 'nev.vehicle', 'NGIT.SENSORS'], 'segments'),
    ).toEqual([
      { field: 'segments[1]', message: 'unknown segment x.y' },
      { field: 'segments[3]', message: 'unknown segment NGIT.SENSORS' },
    ]);
    expect(unknownSegments(graph, undefined, 'needs')).toEqual([]);
  });

  it('escapes LIKE wildcards so a query is a literal substring', () => {
    expect(escapeLike('100%_a\\b')).toBe('100\\%\\_a\\\\b');
    expect(escapeLike('传感科技')).toBe('传感科技');
  });

  it('keeps the first of duplicates in order; reads numeric strings', () => {
    expect(unique(['b', 'a', 'b', 'c', 'a'])).toEqual(['b', 'a', 'c']);
    expect(num('12.50')).toBe(12.5);
    expect(num(null)).toBeNull();
  });
});
