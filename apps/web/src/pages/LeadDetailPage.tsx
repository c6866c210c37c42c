import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Form,
  Grid,
  Input,
  InputNumber,
  Popconfirm,
  Select,
  Space,
  Steps,
  Switch,
  Table,
  Tabs,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { ApiError } from '../api/client';
import { audit as auditApi, leads as leadsApi, matches as matchesApi } from '../api/endpoints';
import { isManager } from '../api/session';
import type { Activity, Assignee, AuditEntry, FundsEntry, Lead, LeadMatches } from '../api/types';
import {
  CityTag,
  EmptyState,
  ErrorAlert,
  fmtDate,
  fmtNumber,
  investorLabel,
  Loading,
  SegmentTags,
  StageTag,
  useSession,
  useUnsavedWarning,
} from '../components/common';
import { AuditActor, AuditChanges } from '../components/AuditChanges';
import { LeadEditDrawer } from '../components/LeadEditDrawer';
import { DAY, FACT_LABELS, FactsDialog } from '../components/MilestoneFacts';
import { MatchReasons, ReasonList } from '../components/MatchReasons';
import { useI18n } from '../i18n/context';
import { allowedFromError, describeError } from '../lib/errors';
import {
  checkFactDate,
  factsToAsk,
  MILESTONE_FACT_FIELDS,
  type MilestoneFact,
  requiredFacts,
} from '../lib/milestones';
import { allowedMoves, FORWARD_STAGES, type Stage } from '../lib/stages';

const ACTIVITY_TYPES = ['visit', 'call', 'meeting', 'email', 'event', 'note'];

export default function LeadDetailPage() {
  const { id } = useParams();
  const { t, locale, stage: stageLabel, enumLabel } = useI18n();
  const { message } = App.useApp();
  const user = useSession()!;
  const manager = isManager(user);
  const [lead, setLead] = useState<Lead | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<{ type: 'error' | 'warning' | 'success'; text: string } | null>(null);
  const [moveNote, setMoveNote] = useState('');
  const [busy, setBusy] = useState(false);
  /** A move waiting for its milestone facts (DESIGN §6), or the facts being edited. */
  const [factsFor, setFactsFor] = useState<{ to: Stage | null; facts: MilestoneFact[] } | null>(null);
  const [editing, setEditing] = useState(false);
  const [assignees, setAssignees] = useState<Assignee[]>([]);
  useEffect(() => {
    if (manager)
      leadsApi
        .assignees()
        .then((r) => setAssignees(r.items))
        .catch(() => undefined);
  }, [manager]);

  const reload = useCallback(async () => {
    try {
      setLead(await leadsApi.get(id!));
    } catch (e) {
      setError(e);
    }
  }, [id]);
  useEffect(() => {
    void reload();
  }, [reload]);

  if (error) return <ErrorAlert error={error} />;
  if (!lead) return <Loading />;

  const own = lead.jurisdiction === user.jurisdiction;
  const archived = !!lead.archivedAt;
  const canEdit = own && !archived && (manager || lead.ownerId === user.id);
  const canManage = own && manager;
  const names = new Map(assignees.map((a) => [a.id, a.displayName]));
  names.set(user.id, user.displayName);
  const ownerName = lead.ownerId ? (names.get(lead.ownerId) ?? '—') : t('noOwner');

  const assign = async (ownerId: string) => {
    setBusy(true);
    setNotice(null);
    try {
      await leadsApi.assign(lead.id, ownerId);
      message.success(t('assigned'));
      await reload();
    } catch (e) {
      setNotice({ type: 'error', text: describeError(locale, e) });
    } finally {
      setBusy(false);
    }
  };

  const setArchived = async (archive: boolean) => {
    setBusy(true);
    setNotice(null);
    try {
      if (archive) await leadsApi.archive(lead.id);
      else await leadsApi.unarchive(lead.id);
      await reload();
    } catch (e) {
      setNotice({ type: 'error', text: describeError(locale, e) });
    } finally {
      setBusy(false);
    }
  };
  const moves = allowedMoves(lead.stage, { resumeStage: lead.resumeStage, manager });

  const moveFailed = async (e: unknown) => {
    const allowed = allowedFromError(e);
    if (e instanceof ApiError && e.status === 409 && allowed)
      setNotice({
        type: 'error',
        text: t('stageNotAllowed', { allowed: allowed.map(stageLabel).join('、') || '—' }),
      });
    else
      setNotice({
        type: e instanceof ApiError && e.status === 412 ? 'warning' : 'error',
        text: describeError(locale, e),
      });
    setFactsFor(null);
    await reload();
  };

  /** A move with the facts it brings (from the dialog); field errors stay in the dialog. */
  const moveWithFacts = async (to: Stage, body: Record<string, unknown>) => {
    const { note, ...facts } = body;
    await leadsApi.move(
      lead.id,
      to,
      lead.version,
      (note as string | undefined) ?? (moveNote || undefined),
      facts,
    );
    setMoveNote('');
    setFactsFor(null);
    message.success(t('stageChanged'));
    await reload();
  };

  const editFacts = async (body: Record<string, unknown>) => {
    await leadsApi.patch(lead.id, lead.version, body);
    setFactsFor(null);
    message.success(t('save'));
    await reload();
  };

  const move = async (to: Stage) => {
    setBusy(true);
    setNotice(null);
    try {
      await leadsApi.move(lead.id, to, lead.version, moveNote || undefined);
      setMoveNote('');
      message.success(t('stageChanged'));
      await reload();
    } catch (e) {
      await moveFailed(e);
    } finally {
      setBusy(false);
    }
  };

  const patch = async (body: Record<string, unknown>) => {
    setBusy(true);
    setNotice(null);
    try {
      await leadsApi.patch(lead.id, lead.version, body);
      message.success(t('save'));
      await reload();
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        setNotice({ type: 'warning', text: describeError(locale, e) });
        await reload();
      } else setNotice({ type: 'error', text: describeError(locale, e) });
    } finally {
      setBusy(false);
    }
  };

  const forwardIndex = FORWARD_STAGES.indexOf(lead.stage as (typeof FORWARD_STAGES)[number]);
  const stepIndex =
    forwardIndex >= 0 ? forwardIndex : FORWARD_STAGES.indexOf((lead.resumeStage ?? 'lead') as never);

  return (
    <>
      <Space align="baseline" wrap>
        <Typography.Title level={3} style={{ marginTop: 0 }} data-testid="lead-title">
          {lead.title}
        </Typography.Title>
        <StageTag stage={lead.stage} />
        <CityTag city={lead.jurisdiction} />
        <Tag>v{lead.version}</Tag>
        {archived && (
          <Tag color="default" data-testid="archived-tag">
            {t('archivedAt')}
          </Tag>
        )}
        {canEdit && (
          <Button type="primary" size="small" onClick={() => setEditing(true)} data-testid="edit-lead">
            {t('edit')}
          </Button>
        )}
        {canManage && !archived && (
          <Popconfirm
            title={t('archiveConfirm')}
            onConfirm={() => setArchived(true)}
            okButtonProps={{ danger: true }}
          >
            <Button size="small" danger disabled={busy} data-testid="archive-lead">
              {t('archive')}
            </Button>
          </Popconfirm>
        )}
        {canManage && archived && (
          <Button
            size="small"
            disabled={busy}
            onClick={() => setArchived(false)}
            data-testid="unarchive-lead"
          >
            {t('unarchive')}
          </Button>
        )}
      </Space>
      {archived && (
        <Alert
          type="info"
          showIcon
          data-testid="archived-notice"
          title={t('archivedNotice', { at: fmtDate(lead.archivedAt) })}
          style={{ marginBottom: 12 }}
        />
      )}
      <LeadEditDrawer
        lead={lead}
        open={editing}
        onClose={() => setEditing(false)}
        onSaved={() => {
          setEditing(false);
          void reload();
        }}
      />
      {notice && (
        <Alert
          type={notice.type}
          showIcon
          role="alert"
          data-testid="lead-notice"
          title={notice.text}
          closable={{ onClose: () => setNotice(null) }}
          style={{ marginBottom: 12 }}
        />
      )}
      <Card size="small" style={{ marginBottom: 16 }}>
        <Steps
          size="small"
          current={stepIndex}
          status={lead.stage === 'lost' ? 'error' : lead.stage === 'on_hold' ? 'wait' : 'process'}
          items={FORWARD_STAGES.map((s) => ({ title: stageLabel(s) }))}
          style={{ marginBottom: 12 }}
        />
        {canEdit && moves.length > 0 && (
          <Space wrap>
            <span>{t('moveTo')}:</span>
            {moves.map((s) =>
              // A move into a milestone the lead has no facts for asks for them first (DESIGN §6).
              factsToAsk(s, lead).length ? (
                <Button
                  key={s}
                  size="small"
                  disabled={busy}
                  data-testid={`move-${s}`}
                  onClick={() => setFactsFor({ to: s, facts: factsToAsk(s, lead) })}
                >
                  {stageLabel(s)}…
                </Button>
              ) : (
                <Popconfirm key={s} title={`${t('moveTo')} ${stageLabel(s)}?`} onConfirm={() => move(s)}>
                  <Button size="small" danger={s === 'lost'} disabled={busy} data-testid={`move-${s}`}>
                    {stageLabel(s)}
                  </Button>
                </Popconfirm>
              ),
            )}
            <Input
              size="small"
              aria-label={t('moveNote')}
              placeholder={t('moveNote')}
              value={moveNote}
              onChange={(e) => setMoveNote(e.target.value)}
              style={{ width: 220 }}
            />
          </Space>
        )}
      </Card>
      <FactsDialog
        open={!!factsFor}
        title={factsFor?.to ? `${t('moveTo')} ${stageLabel(factsFor.to)}` : t('editFacts')}
        description={factsFor?.to ? t('factsNeeded', { stage: stageLabel(factsFor.to) }) : undefined}
        facts={factsFor?.facts ?? []}
        initial={lead}
        withNote={!!factsFor?.to}
        okText={factsFor?.to ? t('confirmMove') : t('save')}
        onSubmit={(body) => (factsFor?.to ? moveWithFacts(factsFor.to, body) : editFacts(body))}
        onCancel={() => setFactsFor(null)}
        onError={moveFailed}
      />
      {!own && lead.confidential && (
        <Alert type="info" showIcon title={t('confidentialForUs')} style={{ marginBottom: 12 }} />
      )}
      <Tabs
        items={[
          {
            key: 'details',
            label: t('details'),
            children: (
              <Card size="small">
                <Descriptions column={{ xs: 1, md: 2, xl: 3 }} size="small" bordered>
                  <Descriptions.Item label={t('investor')}>{investorLabel(lead)}</Descriptions.Item>
                  {own && (
                    <Descriptions.Item label={t('owner')}>
                      {canManage && !archived ? (
                        <Select
                          size="small"
                          showSearch={{ optionFilterProp: 'label' }}
                          aria-label={t('assignTo')}
                          data-testid="assign-owner"
                          style={{ minWidth: 160 }}
                          disabled={busy}
                          value={lead.ownerId ?? undefined}
                          placeholder={t('unassigned')}
                          options={assignees.map((a) => ({ value: a.id, label: a.displayName }))}
                          onChange={(v: string) => void assign(v)}
                        />
                      ) : (
                        <span data-testid="owner-name">{ownerName}</span>
                      )}
                    </Descriptions.Item>
                  )}
                  <Descriptions.Item label={t('uscc')}>{lead.investor?.uscc ?? '—'}</Descriptions.Item>
                  <Descriptions.Item label={t('country')}>{lead.investor?.country ?? '—'}</Descriptions.Item>
                  <Descriptions.Item label={t('segments')} span={3}>
                    <SegmentTags codes={lead.segments} />
                  </Descriptions.Item>
                  <Descriptions.Item label={t('plannedInvestment')}>
                    {fmtNumber(lead.plannedInvestmentWan)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('landNeed')}>{fmtNumber(lead.landNeedMu, 1)}</Descriptions.Item>
                  <Descriptions.Item label={t('expectedJobs')}>
                    {fmtNumber(lead.expectedJobs)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('source')}>{enumLabel(lead.source)}</Descriptions.Item>
                  <Descriptions.Item label={t('nextActionAt')}>
                    {canEdit ? (
                      // 下次跟进: the daily reminder (DESIGN §18) tells the owner when it is due.
                      <DatePicker
                        size="small"
                        aria-label={t('nextActionAt')}
                        data-testid="next-action"
                        disabled={busy}
                        value={lead.nextActionAt ? dayjs(lead.nextActionAt) : null}
                        onChange={(d) =>
                          void patch({ nextActionAt: d ? d.startOf('day').toISOString() : null })
                        }
                      />
                    ) : (
                      fmtDate(lead.nextActionAt)
                    )}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('updatedAt')}>{fmtDate(lead.updatedAt)}</Descriptions.Item>
                  <Descriptions.Item label={t('shared')}>
                    <Switch
                      aria-label={t('shared')}
                      data-testid="toggle-sharing"
                      checked={lead.sharing === 'shared'}
                      disabled={!canEdit || busy}
                      onChange={(v) => patch({ sharing: v ? 'shared' : 'private' })}
                    />
                  </Descriptions.Item>
                  <Descriptions.Item label={t('confidential')}>
                    <Switch
                      aria-label={t('confidential')}
                      data-testid="toggle-confidential"
                      checked={lead.confidential}
                      disabled={!canEdit || busy || (!lead.confidential && !lead.codeName)}
                      onChange={(v) => patch({ confidential: v })}
                    />
                  </Descriptions.Item>
                  <Descriptions.Item label={t('codeName')}>{lead.codeName ?? '—'}</Descriptions.Item>
                  <Descriptions.Item label={t('summary')} span={3}>
                    {lead.summary || '—'}
                  </Descriptions.Item>
                  {own && (lead.confidential || lead.partnerSummary) && (
                    <Descriptions.Item label={t('partnerSummary')} span={3}>
                      <Typography.Paragraph
                        style={{ margin: 0 }}
                        data-testid="partner-summary"
                        editable={
                          canEdit && !busy
                            ? {
                                tooltip: t('edit'),
                                maxLength: 4000,
                                onChange: (v) => {
                                  if (v.trim() !== (lead.partnerSummary ?? ''))
                                    void patch({ partnerSummary: v.trim() || null });
                                },
                              }
                            : false
                        }
                      >
                        {lead.partnerSummary ?? ''}
                      </Typography.Paragraph>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {t('partnerSummaryHint')}
                      </Typography.Text>
                    </Descriptions.Item>
                  )}
                  {lead.contacts && lead.contacts.length > 0 && (
                    <Descriptions.Item label={t('contacts')} span={3}>
                      {lead.contacts.map((c, i) => (
                        <div key={i}>
                          {c.name} {c.title} {c.phone} {c.email}
                        </div>
                      ))}
                    </Descriptions.Item>
                  )}
                </Descriptions>
                <MilestoneCard
                  lead={lead}
                  canEdit={canEdit}
                  onEdit={(facts) => setFactsFor({ to: null, facts })}
                />
                <FundsCard lead={lead} canEdit={canEdit} reload={reload} setNotice={setNotice} />
              </Card>
            ),
          },
          {
            key: 'timeline',
            label: t('timeline'),
            children: <LeadTimeline leadId={lead.id} version={lead.version} canAdd={!archived} />,
          },
          {
            key: 'matches',
            label: t('matches'),
            children: <LeadMatchesTab leadId={lead.id} canDecide={manager && own} />,
          },
          ...(manager
            ? [
                {
                  key: 'audit',
                  label: t('audit'),
                  children: (
                    <AuditTab entity="lead" entityId={lead.id} version={lead.version} users={names} />
                  ),
                },
              ]
            : []),
        ]}
      />
    </>
  );
}

/** Summaries the server writes for a stage move without a note ("contacted → visited"). */
const AUTO_STAGE_NOTE = /^[a-z_]+ → [a-z_]+( \(partner sync\))?$/;

function LeadTimeline({ leadId, version, canAdd }: { leadId: string; version: number; canAdd: boolean }) {
  const { t, enumLabel, stage: stageLabel } = useI18n();
  // On a phone the date goes into the entry: a column of its own would take half the width.
  const narrow = !Grid.useBreakpoint().md;
  const [items, setItems] = useState<Activity[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [form] = Form.useForm();
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  useUnsavedWarning(dirty);
  const load = useCallback(
    () =>
      leadsApi
        .activities(leadId)
        .then((p) => setItems(p.items))
        .catch(setError),
    [leadId],
  );
  useEffect(() => {
    void load();
  }, [load, version]);
  const add = async (values: { type: string; summary: string }) => {
    setSaving(true);
    try {
      await leadsApi.addActivity(leadId, { ...values, occurredAt: new Date().toISOString() });
      form.resetFields();
      setDirty(false);
      await load();
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Card size="small">
      <ErrorAlert error={error} />
      {canAdd && (
        <Form
          form={form}
          layout="inline"
          onFinish={add}
          onValuesChange={() => setDirty(true)}
          initialValues={{ type: 'visit' }}
          style={{ marginBottom: 16, rowGap: 8 }}
          aria-label={t('addActivity')}
        >
          <Form.Item name="type" label={t('activityType')}>
            <Select
              style={{ width: 100 }}
              options={ACTIVITY_TYPES.map((v) => ({ value: v, label: enumLabel(v) }))}
            />
          </Form.Item>
          <Form.Item
            name="summary"
            label={t('activityNote')}
            rules={[{ required: true, message: t('required', { field: t('activityNote') }) }]}
          >
            <Input style={{ width: 'min(360px, calc(100vw - 230px))' }} maxLength={4000} />
          </Form.Item>
          <Button htmlType="submit" type="primary" loading={saving}>
            {t('addActivity')}
          </Button>
        </Form>
      )}
      {items === null ? (
        <Loading />
      ) : items.length === 0 ? (
        <EmptyState />
      ) : (
        <Timeline
          data-testid="timeline"
          items={items.map((a) => {
            const move =
              a.fromStage && a.toStage ? `${stageLabel(a.fromStage)} → ${stageLabel(a.toStage)}` : null;
            // The note of a move, not the server's "from → to" in stage codes.
            const text = a.type === 'stage_change' && AUTO_STAGE_NOTE.test(a.summary ?? '') ? '' : a.summary;
            return {
              key: a.id,
              title: narrow ? undefined : fmtDate(a.occurredAt),
              content: (
                <div data-testid="activity">
                  {narrow && (
                    <div>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {fmtDate(a.occurredAt)}
                      </Typography.Text>
                    </div>
                  )}
                  <Tag color={a.type === 'stage_change' ? 'purple' : undefined}>{enumLabel(a.type)}</Tag>
                  {move && (
                    <Typography.Text strong data-testid="stage-move">
                      {move}
                    </Typography.Text>
                  )}
                  {move && text ? ' · ' : ''}
                  {a.redacted ? (
                    <Typography.Text type="secondary" italic data-testid="redacted-activity">
                      {t('redactedActivity')}
                    </Typography.Text>
                  ) : (
                    text
                  )}
                  <div>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="activity-author">
                      {[a.authorName, enumLabel(a.jurisdiction)].filter(Boolean).join(' · ')}
                    </Typography.Text>
                  </div>
                </div>
              ),
            };
          })}
        />
      )}
    </Card>
  );
}

/** The milestone facts of the lead (DESIGN §6), with an edit button for those who may change it. */
function MilestoneCard(props: { lead: Lead; canEdit: boolean; onEdit: (facts: MilestoneFact[]) => void }) {
  const { t } = useI18n();
  const { lead } = props;
  const needed = requiredFacts(lead.stage, lead.resumeStage);
  const shown = MILESTONE_FACT_FIELDS.filter((f) => needed.includes(f) || (lead[f] ?? null) !== null);
  if (!shown.length) return null;
  return (
    <Card
      size="small"
      type="inner"
      title={t('milestoneFacts')}
      style={{ marginTop: 16 }}
      data-testid="milestone-facts"
      extra={
        props.canEdit && (
          <Button size="small" onClick={() => props.onEdit(shown)} data-testid="edit-facts">
            {t('editFacts')}
          </Button>
        )
      }
    >
      <Descriptions column={{ xs: 1, md: 3 }} size="small">
        {shown.map((f) => (
          <Descriptions.Item key={f} label={t(FACT_LABELS[f])}>
            {f === 'contractAmountWan'
              ? fmtNumber(lead.contractAmountWan, 2)
              : ((lead[f] as string | null | undefined) ?? '—')}
          </Descriptions.Item>
        ))}
      </Descriptions>
    </Card>
  );
}

/**
 * 到位资金: the entries with their sum, an add form for a signed lead, and removal of a wrong
 * entry (PATCH of the list with If-Match: a concurrent change answers 412 and reloads).
 */
function FundsCard(props: {
  lead: Lead;
  canEdit: boolean;
  reload: () => Promise<void>;
  setNotice: (n: { type: 'error' | 'warning' | 'success'; text: string } | null) => void;
}) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const { lead } = props;
  const [form] = Form.useForm();
  const [saving, setSaving] = useState(false);
  const entries = lead.fundsInPlace ?? [];
  const total = lead.fundsInPlaceWan ?? 0;
  const share =
    lead.contractAmountWan && lead.contractAmountWan > 0
      ? Math.round((total / lead.contractAmountWan) * 100)
      : null;
  if (!lead.signedAt && !entries.length) {
    if (!props.canEdit) return null;
    return (
      <Typography.Paragraph type="secondary" style={{ marginTop: 16 }} data-testid="funds-need-signed">
        {t('fundsInPlace')}：{t('fundsNeedSigned')}
      </Typography.Paragraph>
    );
  }
  const failed = async (e: unknown) => {
    props.setNotice({
      type: e instanceof ApiError && e.status === 412 ? 'warning' : 'error',
      text: describeError(locale, e),
    });
    await props.reload();
  };
  const add = async (values: { at: { format(f: string): string }; amountWan: number; note?: string }) => {
    setSaving(true);
    try {
      await leadsApi.addFunds(lead.id, {
        at: values.at.format(DAY),
        amountWan: values.amountWan,
        ...(values.note?.trim() ? { note: values.note.trim() } : {}),
      });
      form.resetFields();
      message.success(t('fundsAdded'));
      await props.reload();
    } catch (e) {
      await failed(e);
    } finally {
      setSaving(false);
    }
  };
  const remove = async (index: number) => {
    setSaving(true);
    try {
      await leadsApi.patch(lead.id, lead.version, { fundsInPlace: entries.filter((_, i) => i !== index) });
      await props.reload();
    } catch (e) {
      await failed(e);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Card
      size="small"
      type="inner"
      title={t('fundsInPlace')}
      style={{ marginTop: 16 }}
      data-testid="funds-card"
      extra={
        <span data-testid="funds-total">
          {t('fundsTotal')}：<b>{fmtNumber(total, 2)}</b>
          {share !== null && (
            <Typography.Text type="secondary">
              {' '}
              · {t('fundsShareOfContract', { percent: share })}
            </Typography.Text>
          )}
        </span>
      }
    >
      <Table<FundsEntry & { index: number }>
        rowKey="index"
        size="small"
        pagination={false}
        dataSource={entries.map((e, index) => ({ ...e, index }))}
        locale={{ emptyText: <EmptyState /> }}
        columns={[
          { title: t('fundsAt'), dataIndex: 'at', width: 140 },
          {
            title: t('fundsAmount'),
            dataIndex: 'amountWan',
            width: 160,
            align: 'right',
            render: (v: number) => fmtNumber(v, 2),
          },
          { title: t('note'), dataIndex: 'note', render: (v?: string) => v ?? '' },
          ...(props.canEdit
            ? [
                {
                  title: t('actions'),
                  width: 90,
                  render: (_: unknown, e: { index: number }) => (
                    <Popconfirm title={`${t('delete')}?`} onConfirm={() => remove(e.index)}>
                      <Button size="small" danger type="link" disabled={saving}>
                        {t('delete')}
                      </Button>
                    </Popconfirm>
                  ),
                },
              ]
            : []),
        ]}
      />
      {props.canEdit && lead.signedAt && (
        <Form
          form={form}
          layout="inline"
          onFinish={add}
          style={{ marginTop: 12, rowGap: 8 }}
          aria-label={t('addFunds')}
          data-testid="funds-form"
        >
          <Form.Item
            name="at"
            label={t('fundsAt')}
            rules={[{ required: true, message: t('mustPickDate', { field: t('fundsAt') }) }]}
          >
            <DatePicker
              id="fundsAt"
              disabledDate={(d) => checkFactDate(d.format(DAY)) !== null}
              placeholder={DAY}
            />
          </Form.Item>
          <Form.Item
            name="amountWan"
            label={t('fundsAmount')}
            rules={[{ required: true, message: t('required', { field: t('fundsAmount') }) }]}
          >
            <InputNumber id="fundsAmount" min={0} precision={2} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="note" label={t('fundsNote')}>
            <Input id="fundsNote" maxLength={500} style={{ width: 220 }} />
          </Form.Item>
          <Button htmlType="submit" type="primary" loading={saving} data-testid="add-funds">
            {t('addFunds')}
          </Button>
        </Form>
      )}
    </Card>
  );
}

function LeadMatchesTab({ leadId, canDecide }: { leadId: string; canDecide: boolean }) {
  const { t, locale, enumLabel } = useI18n();
  const { message } = App.useApp();
  const [data, setData] = useState<LeadMatches | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => leadsApi.matches(leadId).then(setData).catch(setError), [leadId]);
  useEffect(() => {
    void load();
  }, [load]);
  const decide = async (id: string, decision: 'accepted' | 'rejected') => {
    try {
      await matchesApi.decide(id, decision);
      await load();
    } catch (e) {
      message.error(describeError(locale, e));
    }
  };
  if (error) return <ErrorAlert error={error} />;
  if (!data) return <Loading />;
  const decisionCol = {
    title: t('actions'),
    width: 160,
    render: (_: unknown, m: { id: string; status: string }) =>
      canDecide && m.status === 'proposed' ? (
        <Space>
          <Button size="small" type="primary" onClick={() => decide(m.id, 'accepted')}>
            {t('accept')}
          </Button>
          <Button size="small" danger onClick={() => decide(m.id, 'rejected')}>
            {t('reject')}
          </Button>
        </Space>
      ) : (
        <Tag>{enumLabel(m.status)}</Tag>
      ),
  };
  return (
    <>
      {data.status === 'pending' && (
        <Alert type="info" showIcon title={t('matchesPending')} style={{ marginBottom: 12 }} />
      )}
      <Card
        size="small"
        title={t('partners')}
        style={{ marginBottom: 16 }}
        extra={
          <Button size="small" onClick={load}>
            {t('refresh')}
          </Button>
        }
      >
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={data.partners}
          locale={{ emptyText: <EmptyState /> }}
          columns={[
            { title: t('name'), dataIndex: 'name' },
            { title: t('city'), dataIndex: 'jurisdiction', render: (c) => <CityTag city={c} />, width: 80 },
            { title: t('relation'), dataIndex: 'relation', render: (r) => enumLabel(r), width: 80 },
            { title: t('score'), dataIndex: 'score', render: (s: number) => s.toFixed(2), width: 70 },
            {
              title: t('reasons'),
              render: (_, m) => <MatchReasons strength={m.strength} reasons={m.reasons} />,
            },
            decisionCol,
          ]}
        />
      </Card>
      <Card size="small" title={t('parks')}>
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={data.parks}
          locale={{ emptyText: <EmptyState /> }}
          columns={[
            {
              title: t('name'),
              dataIndex: 'name',
              render: (n, p) => (
                <>
                  {n} {p.coBuilt && <Tag color="gold">{t('coBuilt')}</Tag>}
                </>
              ),
            },
            { title: t('score'), dataIndex: 'score', render: (s: number) => s.toFixed(2), width: 70 },
            { title: t('reasons'), dataIndex: 'reasons', render: (r) => <ReasonList reasons={r} /> },
            decisionCol,
          ]}
        />
      </Card>
    </>
  );
}

export function AuditTab(props: {
  entity: string;
  entityId: string;
  version?: number;
  users?: Map<string, string>;
}) {
  const { t, enumLabel } = useI18n();
  const [items, setItems] = useState<AuditEntry[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const { entity, entityId, version } = props;
  useEffect(() => {
    auditApi(entity, entityId)
      .then((p) => setItems(p.items))
      .catch(setError);
  }, [entity, entityId, version]);
  if (error) return <ErrorAlert error={error} />;
  if (!items) return <Loading />;
  return (
    <Table<AuditEntry>
      rowKey="id"
      size="small"
      dataSource={items}
      data-testid="audit-tab"
      scroll={{ x: 720 }}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      locale={{ emptyText: <EmptyState /> }}
      columns={[
        { title: t('occurredAt'), render: (_, a) => fmtDate((a.at ?? a.createdAt) as string), width: 160 },
        { title: t('auditWhat'), render: (_, a) => enumLabel(a.action), width: 100 },
        { title: t('auditWho'), render: (_, a) => <AuditActor entry={a} />, width: 160 },
        {
          title: t('details'),
          render: (_, a) => <AuditChanges changes={a.changes} users={props.users} />,
        },
      ]}
    />
  );
}
