import { sqlRows } from '../db/sql';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ChainEdge, Industry, Segment, Taxonomy, TaxonomyGraph } from './taxonomy';
import { JurisdictionDto } from './taxonomy.dto';

const CACHE_MS = 60_000;

/** Reference data as stored (seeded from the data file), cached briefly in memory. */
@Injectable()
export class TaxonomyService {
  private cached: { at: number; graph: TaxonomyGraph } | null = null;

  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async graph(): Promise<TaxonomyGraph> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.graph;
    const [industries, segments, edges] = await Promise.all([
      sqlRows<Industry>(
        this.ds,
        `SELECT code, name, name_en AS "nameEn" FROM industries ORDER BY sort, code`,
      ),
      sqlRows<Segment>(
        this.ds,
        `SELECT code, industry, stage, name, name_en AS "nameEn" FROM segments ORDER BY sort, code`,
      ),
      sqlRows<ChainEdge>(
        this.ds,
        `SELECT from_segment AS "from", to_segment AS "to", strength, reason, reason_en AS "reasonEn"
           FROM chain_edges ORDER BY 1, 2`,
      ),
    ]);
    const graph = new TaxonomyGraph({ industries, segments, edges });
    this.cached = { at: Date.now(), graph };
    return graph;
  }

  async taxonomy(): Promise<Taxonomy> {
    return (await this.graph()).taxonomy;
  }

  async jurisdictions(): Promise<JurisdictionDto[]> {
    return sqlRows<JurisdictionDto>(
      this.ds,
      `SELECT code, name, name_en AS "nameEn", division_code AS "divisionCode" FROM jurisdictions ORDER BY code`,
    );
  }

  invalidate(): void {
    this.cached = null;
  }
}
