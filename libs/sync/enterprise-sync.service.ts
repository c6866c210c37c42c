import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { RequestContext } from '../common/request-context';
import { WriteOptions, isRetryable, sqlRows, transactionOrDryRun } from '../db/sql';
import { AUDIT_INSERT, actorColumns } from '../audit/audit.service';
import { newRecordId } from '../common/uuid';
import { OutboxService } from '../outbox/outbox.service';
import { TaxonomyService } from '../taxonomy/taxonomy.service';
import type { EnterpriseRow } from './entity-views';
import { EnterpriseValues, ExternalRef, checkEnterpriseItem } from './item-validation';
import { ItemResult, refKeyOf, same } from './sync-results';
import { JOB_KEYS } from '../jobs/jobs';

const FIELDS: [keyof EnterpriseValues, string][] = [
  ['name', 'name'],
  ['uscc', 'uscc'],
  ['segments', 'segments'],
  ['needs', 'needs'],
  ['chain_leader', 'chainLeader'],
  ['revenue_wan', 'revenueWan'],
  ['employees', 'employees'],
  ['address', 'address'],
  ['tags', 'tags'],
];

function storedValues(r: EnterpriseRow): EnterpriseValues {
  return {
    name: r.name,
    uscc: r.uscc,
    segments: r.segments,
    needs: r.needs ?? [],
    chain_leader: r.chain_leader,
    revenue_wan: r.revenue_wan === null ? null : Number(r.revenue_wan),
    employees: r.employees,
    address: r.address,
    tags: r.tags ?? [],
  };
}

const RECORDSET = `v(id uuid, name text, uscc text, segments text[], needs text[], chain_leader boolean,
  revenue_wan numeric, employees int, address text, tags text[], external_refs jsonb)`;

interface Pending {
  index: number;
  ref: ExternalRef | null;
  values: EnterpriseValues;
  newId: string;
}

/** A concurrent batch created one of our keys first: re-run the batch, which will now find it. */
class LostRace extends Error {
  code = '40001';
}

/**
 * Bulk upsert of enterprises (shared base data, DESIGN §5) keyed by `externalRef` or USCC.
 * Only the caller's jurisdiction's enterprises may be changed; everyone reads all of them.
 */
@Injectable()
export class EnterpriseSyncService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly taxonomy: TaxonomyService,
    private readonly outbox: OutboxService,
  ) {}

  async upsert(ctx: RequestContext, items: unknown[], opts: WriteOptions = {}): Promise<ItemResult[]> {
    const graph = await this.taxonomy.graph();
    const results: ItemResult[] = new Array(items.length);
    const pending: Pending[] = [];
    const seenRefs = new Set<string>();
    const seenUscc = new Set<string>();
    items.forEach((raw, index) => {
      const c = checkEnterpriseItem(raw, graph);
      if (!c.ok) {
        results[index] = { index, externalRef: c.externalRef, status: 'error', errors: c.errors };
        return;
      }
      const dupRef = c.externalRef && seenRefs.has(refKeyOf(c.externalRef));
      const dupUscc = c.values.uscc && seenUscc.has(c.values.uscc);
      if (dupRef || dupUscc) {
        results[index] = {
          index,
          externalRef: c.externalRef,
          status: 'error',
          errors: [
            { field: dupRef ? 'externalRef' : 'uscc', message: 'appears more than once in this request' },
          ],
        };
        return;
      }
      if (c.externalRef) seenRefs.add(refKeyOf(c.externalRef));
      if (c.values.uscc) seenUscc.add(c.values.uscc);
      pending.push({ index, ref: c.externalRef, values: c.values, newId: newRecordId() });
    });
    if (pending.length) {
      for (let attempt = 1; ; attempt++) {
        try {
          const written = await transactionOrDryRun(this.ds, (em) => this.write(em, ctx, pending), opts);
          for (const r of written) results[r.index] = r;
          break;
        } catch (e) {
          const unique =
            (e as { code?: string; driverError?: { code?: string } }).driverError?.code === '23505' ||
            (e as { code?: string }).code === '23505';
          if (attempt >= 4 || !(isRetryable(e) || unique)) throw e;
        }
      }
    }
    return results;
  }

  private async write(em: EntityManager, ctx: RequestContext, pending: Pending[]): Promise<ItemResult[]> {
    const withRef = pending.filter((p) => p.ref);
    const withUscc = pending.filter((p) => p.values.uscc);
    const found = await sqlRows<EnterpriseRow & { ref_system: string | null; ref_id: string | null }>(
      em,
      `WITH hits AS (
         SELECT x.entity_id AS id, x.system, x.external_id FROM external_ref_index x
          WHERE x.entity = 'enterprise' AND (x.system, x.external_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
         UNION ALL
         SELECT e.id, NULL, NULL FROM enterprises e WHERE e.uscc = ANY($3::text[]) AND e.deleted_at IS NULL)
       SELECT e.*, h.system AS ref_system, h.external_id AS ref_id
         FROM hits h JOIN enterprises e ON e.id = h.id
        WHERE e.deleted_at IS NULL
        ORDER BY e.id FOR NO KEY UPDATE OF e`,
      [withRef.map((p) => p.ref!.system), withRef.map((p) => p.ref!.id), withUscc.map((p) => p.values.uscc)],
    );
    const byRef = new Map<string, EnterpriseRow>();
    const byUscc = new Map<string, EnterpriseRow>();
    for (const r of found) {
      if (r.ref_system !== null && r.ref_id !== null)
        byRef.set(refKeyOf({ system: r.ref_system, id: r.ref_id }), r);
      if (r.uscc) byUscc.set(r.uscc, r);
    }

    const out: ItemResult[] = [];
    const inserts: Record<string, unknown>[] = [];
    const updates: Record<string, unknown>[] = [];
    const audits: {
      action: string;
      id: string;
      changes: Record<string, { before: unknown; after: unknown }>;
    }[] = [];
    const versions = new Map<string, number>();
    const error = (p: Pending, field: string, message: string) =>
      out.push({ index: p.index, externalRef: p.ref, status: 'error', errors: [{ field, message }] });

    for (const p of pending) {
      const a = p.ref ? byRef.get(refKeyOf(p.ref)) : undefined;
      const b = p.values.uscc ? byUscc.get(p.values.uscc) : undefined;
      if (a && b && a.id !== b.id) {
        error(p, 'uscc', 'belongs to another enterprise than the one externalRef names');
        continue;
      }
      const row = a ?? b;
      if (!row) {
        const refs = p.ref ? [p.ref] : [];
        inserts.push({ id: p.newId, ...p.values, external_refs: refs });
        const changes: Record<string, { before: unknown; after: unknown }> = {};
        for (const [col, field] of FIELDS) changes[field] = { before: null, after: p.values[col] };
        audits.push({ action: 'create', id: p.newId, changes });
        versions.set(p.newId, 1);
        out.push({ index: p.index, externalRef: p.ref, id: p.newId, status: 'created' });
        continue;
      }
      if (row.jurisdiction !== ctx.jurisdiction) {
        error(
          p,
          p.ref && a ? 'externalRef' : 'uscc',
          'belongs to an enterprise of another jurisdiction, which this key cannot change',
        );
        continue;
      }
      const before = storedValues(row);
      const changes: Record<string, { before: unknown; after: unknown }> = {};
      for (const [col, field] of FIELDS) {
        if (!same(before[col], p.values[col])) changes[field] = { before: before[col], after: p.values[col] };
      }
      const refs = row.external_refs ?? [];
      const addRef = p.ref && !refs.some((r) => r.system === p.ref!.system && r.id === p.ref!.id);
      if (addRef) changes.externalRefs = { before: refs, after: [...refs, p.ref] };
      if (!Object.keys(changes).length) {
        out.push({ index: p.index, externalRef: p.ref, id: row.id, status: 'unchanged' });
        continue;
      }
      updates.push({ id: row.id, ...p.values, external_refs: addRef ? [...refs, p.ref] : refs });
      audits.push({ action: 'update', id: row.id, changes });
      versions.set(row.id, row.version + 1);
      out.push({ index: p.index, externalRef: p.ref, id: row.id, status: 'updated' });
    }

    // Claim the new refs before inserting: a concurrent batch that created one first → re-run.
    const claims = inserts.filter((i) => (i.external_refs as ExternalRef[]).length);
    if (claims.length) {
      const refs = claims.map((i) => (i.external_refs as ExternalRef[])[0]);
      const claimed = await sqlRows(
        em,
        `INSERT INTO external_ref_index (entity, system, external_id, jurisdiction, entity_id)
         SELECT 'enterprise', s, x, $4, id FROM unnest($1::text[], $2::text[], $3::uuid[]) AS t(s, x, id)
         ON CONFLICT DO NOTHING RETURNING entity_id`,
        [refs.map((r) => r.system), refs.map((r) => r.id), claims.map((i) => i.id), ctx.jurisdiction],
      );
      if (claimed.length !== claims.length) throw new LostRace('external ref claimed concurrently');
    }
    if (inserts.length) {
      await sqlRows(
        em,
        `INSERT INTO enterprises (id, name, uscc, jurisdiction, segments, needs, chain_leader, revenue_wan,
           employees, address, tags, external_refs)
         SELECT v.id, v.name, v.uscc, $2, v.segments, v.needs, v.chain_leader, v.revenue_wan, v.employees,
           v.address, v.tags, v.external_refs
           FROM jsonb_to_recordset($1::jsonb) AS ${RECORDSET}`,
        [JSON.stringify(inserts), ctx.jurisdiction],
      );
    }
    if (updates.length) {
      await sqlRows(
        em,
        `UPDATE enterprises e SET name = v.name, uscc = v.uscc, segments = v.segments, needs = v.needs,
           chain_leader = v.chain_leader, revenue_wan = v.revenue_wan, employees = v.employees,
           address = v.address, tags = v.tags, external_refs = v.external_refs,
           version = e.version + 1, updated_at = now()
          FROM jsonb_to_recordset($1::jsonb) AS ${RECORDSET}
         WHERE e.id = v.id AND e.jurisdiction = $2`,
        [JSON.stringify(updates), ctx.jurisdiction],
      );
    }
    if (audits.length) {
      const [actorType, actorId, actorName] = actorColumns(ctx);
      await sqlRows(
        em,
        `${AUDIT_INSERT}
         SELECT $1, $2, $3, $4, a.action, 'enterprise', a.id, a.changes, $5
           FROM jsonb_to_recordset($6::jsonb) AS a(action text, id uuid, changes jsonb)`,
        [actorType, actorId, actorName, ctx.jurisdiction, ctx.requestId, JSON.stringify(audits)],
      );
    }
    if (versions.size) {
      // Base data changed: re-match the leads it can affect (DESIGN §10).
      await this.outbox.enqueueMany(
        em,
        'rematch-affected',
        [...versions].map(([id, version]) => ({
          payload: { entity: 'enterprise' as const, id, version },
          dedupeKey: JOB_KEYS.rematchAffected('enterprise', id, version),
        })),
      );
    }
    return out;
  }
}
