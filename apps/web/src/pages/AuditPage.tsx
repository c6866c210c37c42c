import { Button, Card, DatePicker, Form, Select, Table, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { auditSearch, leads as leadsApi } from '../api/endpoints';
import type { Assignee, AuditEntry } from '../api/types';
import { AuditActor, AuditChanges } from '../components/AuditChanges';
import { EmptyState, ErrorAlert, fmtDate, useCursorList } from '../components/common';
import { useI18n } from '../i18n/context';

const ENTITIES = ['lead', 'activity', 'enterprise', 'park', 'collision', 'match', 'agreement', 'user'];
const ACTIONS = [
  'create',
  'update',
  'stage_change',
  'assign',
  'archive',
  'unarchive',
  'merge',
  'resolve',
  'delete',
];

interface Filters {
  actorId?: string;
  entity?: string;
  action?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

/** The audit trail of the manager's city (DESIGN §4), filtered by who, what and when. */
export default function AuditPage() {
  const { t, enumLabel } = useI18n();
  const [users, setUsers] = useState<Assignee[]>([]);
  const [filters, setFilters] = useState<Filters>({});
  useEffect(() => {
    leadsApi
      .assignees()
      .then((r) => setUsers(r.items))
      .catch(() => undefined);
  }, []);
  const names = new Map(users.map((u) => [u.id, u.displayName]));
  const fetchPage = useCallback(
    (cursor?: string) =>
      auditSearch({
        actorId: filters.actorId,
        entity: filters.entity,
        action: filters.action,
        since: filters.range?.[0]?.startOf('day').toISOString(),
        until: filters.range?.[1]?.add(1, 'day').startOf('day').toISOString(),
        limit: 50,
        cursor,
      }),
    [filters],
  );
  const { items, cursor, error, load } = useCursorList<AuditEntry>(fetchPage);
  const link = (a: AuditEntry) =>
    a.entity === 'lead' ? `/leads/${a.entityId}` : a.entity === 'collision' ? '/collisions' : null;

  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('auditLog')}
      </Typography.Title>
      <Card size="small" style={{ marginBottom: 16 }}>
        <Form layout="inline" role="search" aria-label={t('auditLog')} style={{ rowGap: 8 }}>
          <Form.Item label={t('auditWho')}>
            <Select
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              aria-label={t('auditWho')}
              data-testid="audit-who"
              style={{ width: 160 }}
              value={filters.actorId}
              onChange={(v?: string) => setFilters((f) => ({ ...f, actorId: v }))}
              options={users.map((u) => ({ value: u.id, label: u.displayName }))}
            />
          </Form.Item>
          <Form.Item label={t('auditEntity')}>
            <Select
              allowClear
              aria-label={t('auditEntity')}
              data-testid="audit-entity"
              style={{ width: 120 }}
              value={filters.entity}
              onChange={(v?: string) => setFilters((f) => ({ ...f, entity: v }))}
              options={ENTITIES.map((e) => ({ value: e, label: enumLabel(e) }))}
            />
          </Form.Item>
          <Form.Item label={t('auditWhat')}>
            <Select
              allowClear
              aria-label={t('auditWhat')}
              data-testid="audit-what"
              style={{ width: 130 }}
              value={filters.action}
              onChange={(v?: string) => setFilters((f) => ({ ...f, action: v }))}
              options={ACTIONS.map((a) => ({ value: a, label: enumLabel(a) }))}
            />
          </Form.Item>
          <Form.Item label={t('auditWhen')}>
            <span data-testid="audit-when">
              <DatePicker.RangePicker
                style={{ width: 'min(280px, calc(100vw - 160px))' }}
                aria-label={t('auditWhen')}
                value={filters.range ?? null}
                onChange={(r) => setFilters((f) => ({ ...f, range: r as Filters['range'] }))}
              />
            </span>
          </Form.Item>
          <Button onClick={() => setFilters({})}>{t('reset')}</Button>
        </Form>
      </Card>
      <ErrorAlert error={error} />
      <Card size="small">
        <Table<AuditEntry>
          rowKey="id"
          size="small"
          data-testid="audit-table"
          loading={items === null}
          dataSource={items ?? []}
          pagination={false}
          scroll={{ x: 900 }}
          locale={{ emptyText: <EmptyState /> }}
          columns={[
            { title: t('occurredAt'), render: (_, a) => fmtDate(a.at as string), width: 160 },
            { title: t('auditWho'), render: (_, a) => <AuditActor entry={a} />, width: 170 },
            {
              title: t('auditWhat'),
              width: 170,
              render: (_, a) => {
                const to = link(a);
                const what = `${enumLabel(a.action)} · ${enumLabel(a.entity)}`;
                return to ? <Link to={to}>{what}</Link> : what;
              },
            },
            { title: t('details'), render: (_, a) => <AuditChanges changes={a.changes} users={names} /> },
          ]}
        />
        {cursor && (
          <Button style={{ marginTop: 12 }} onClick={() => void load(cursor)}>
            {t('loadMore')}
          </Button>
        )}
      </Card>
    </>
  );
}
