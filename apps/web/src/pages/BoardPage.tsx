import { SwapOutlined } from '@ant-design/icons';
import { Alert, App, Badge, Button, Card, Dropdown, Select, Space, Switch, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import { Link } from 'react-router-dom';
import { ApiError } from '../api/client';
import { leads as leadsApi } from '../api/endpoints';
import { isManager } from '../api/session';
import type { Lead } from '../api/types';
import { CityTag, ErrorAlert, fmtNumber, investorLabel, useSession } from '../components/common';
import { FactsDialog } from '../components/MilestoneFacts';
import { useI18n } from '../i18n/context';
import { allowedFromError, describeError } from '../lib/errors';
import { factsToAsk, type MilestoneFact } from '../lib/milestones';
import { canMove, STAGES, type Stage } from '../lib/stages';
import { useTaxonomy } from '../taxonomy';

const PER_COLUMN = 30;

/**
 * Kanban by stage; drag a card to move it, or pick the stage in the card's move-to menu (the
 * keyboard's way; POST /leads/:id/stage, with If-Match: the version the card showed). A drop on a milestone column the lead has no facts for asks for them in a dialog
 * first (DESIGN §6). A refused move puts the card back and says why (409: the allowed stages;
 * 412: someone changed the lead, the board reloads).
 */
export default function BoardPage() {
  const { t, locale, stage: stageLabel, named } = useI18n();
  const { message } = App.useApp();
  const { data: tax } = useTaxonomy();
  const user = useSession()!;
  const manager = isManager(user);
  const [columns, setColumns] = useState<Record<string, Lead[]> | null>(null);
  const [more, setMore] = useState<Record<string, boolean>>({});
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [mine, setMine] = useState(!manager);
  const [industry, setIndustry] = useState<string | undefined>();
  const [dragOver, setDragOver] = useState<string | null>(null);
  const dragging = useRef<Lead | null>(null);
  /** A drop waiting for the milestone facts its column needs. */
  const [pending, setPending] = useState<{ lead: Lead; to: Stage; facts: MilestoneFact[] } | null>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      const pages = await Promise.all(
        STAGES.map((s) =>
          leadsApi.list({
            stage: s,
            limit: PER_COLUMN,
            jurisdiction: user.jurisdiction,
            ownerId: mine ? user.id : undefined,
            industry,
          }),
        ),
      );
      setColumns(Object.fromEntries(STAGES.map((s, i) => [s, pages[i].items])));
      setMore(Object.fromEntries(STAGES.map((s, i) => [s, !!pages[i].nextCursor])));
    } catch (e) {
      setError(e);
    }
  }, [mine, industry, user.id, user.jurisdiction]);

  useEffect(() => {
    void load();
  }, [load]);

  const canChange = (lead: Lead) =>
    lead.jurisdiction === user.jurisdiction && (manager || lead.ownerId === user.id);

  const drop = async (to: Stage, e: DragEvent) => {
    e.preventDefault();
    setDragOver(null);
    const lead = dragging.current;
    dragging.current = null;
    if (lead) await moveCard(lead, to);
  };

  /** A drop or a pick in a card's move-to menu: asks for a milestone's facts first, then moves. */
  const moveCard = async (lead: Lead, to: Stage) => {
    if (!columns || lead.stage === to) return;
    setNotice(null);
    const facts = factsToAsk(to, lead);
    if (facts.length && canMove(lead.stage, to, { resumeStage: lead.resumeStage, manager })) {
      setPending({ lead, to, facts });
      return;
    }
    const before = columns;
    // Optimistic: show the card in its new column while the server decides.
    place(lead, to, { ...lead, stage: to });
    try {
      const updated = await leadsApi.move(lead.id, to, lead.version);
      place(lead, to, { ...lead, ...updated, stage: to });
      message.success(`${lead.title} → ${stageLabel(to)}`);
    } catch (err) {
      setColumns(before); // the card returns
      await refused(lead, err);
    }
  };

  /** Shows `card` (the lead after the move) in column `to`, and no longer in its old one. */
  const place = (lead: Lead, to: Stage, card: Lead) =>
    setColumns((cols) =>
      cols
        ? {
            ...cols,
            [lead.stage]: cols[lead.stage].filter((l) => l.id !== lead.id),
            [to]: [card, ...cols[to].filter((l) => l.id !== lead.id)],
          }
        : cols,
    );

  const refused = async (lead: Lead, err: unknown) => {
    setPending(null);
    const allowed = allowedFromError(err);
    if (err instanceof ApiError && err.status === 412) {
      setNotice(t('boardConflict', { title: lead.title }));
      await load(); // the board shows what the lead is now
      return;
    }
    const text =
      err instanceof ApiError && err.status === 409 && allowed
        ? t('stageNotAllowed', { allowed: allowed.map(stageLabel).join('、') || '—' })
        : describeError(locale, err);
    setNotice(`${lead.title}: ${text}`);
  };

  /** The drop confirmed in the dialog, with its facts; field errors stay in the dialog. */
  const moveWithFacts = async (body: Record<string, unknown>) => {
    if (!pending) return;
    const { lead, to } = pending;
    const { note, ...facts } = body;
    const updated = await leadsApi.move(lead.id, to, lead.version, note as string | undefined, facts);
    setPending(null);
    place(lead, to, { ...lead, ...updated, stage: to });
    message.success(`${lead.title} → ${stageLabel(to)}`);
  };

  return (
    <>
      <Space style={{ marginBottom: 12 }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('board')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('dragHint')}</Typography.Text>
        <Switch checked={mine} onChange={setMine} aria-label={t('ownerMe')} /> {t('ownerMe')}
        <Select
          aria-label={t('industry')}
          placeholder={t('industry')}
          allowClear
          style={{ width: 180 }}
          value={industry}
          onChange={setIndustry}
          options={(tax?.industries ?? []).map((i) => ({ value: i.code, label: named(i) }))}
        />
      </Space>
      <ErrorAlert error={error} />
      <FactsDialog
        open={!!pending}
        title={pending ? `${pending.lead.title} → ${stageLabel(pending.to)}` : ''}
        description={pending ? t('factsNeeded', { stage: stageLabel(pending.to) }) : undefined}
        facts={pending?.facts ?? []}
        initial={pending?.lead ?? {}}
        withNote
        okText={t('confirmMove')}
        onSubmit={moveWithFacts}
        onCancel={() => setPending(null)}
        onError={(err) => (pending ? refused(pending.lead, err) : undefined)}
      />
      {notice && (
        <Alert
          type="error"
          showIcon
          role="alert"
          data-testid="board-notice"
          title={notice}
          closable={{ onClose: () => setNotice(null) }}
          style={{ marginBottom: 12 }}
        />
      )}
      <div
        data-testid="board"
        aria-busy={!columns}
        style={{ display: 'flex', gap: 10, overflowX: 'auto', paddingBottom: 8, alignItems: 'flex-start' }}
      >
        {STAGES.map((s) => {
          const cards = columns?.[s] ?? [];
          const dropOk = dragging.current
            ? canMove(dragging.current.stage, s, { resumeStage: dragging.current.resumeStage, manager })
            : true;
          return (
            <section
              key={s}
              aria-label={stageLabel(s)}
              data-stage={s}
              data-testid={`column-${s}`}
              onDragOver={(e) => {
                e.preventDefault();
                setDragOver(s);
              }}
              onDragLeave={() => setDragOver((d) => (d === s ? null : d))}
              onDrop={(e) => drop(s, e)}
              style={{
                flex: '0 0 196px',
                background: dragOver === s ? (dropOk ? '#e6f4ff' : '#fff1f0') : '#e9edf3',
                borderRadius: 8,
                padding: 8,
                minHeight: 420,
              }}
            >
              <div
                style={{ fontWeight: 600, marginBottom: 8, display: 'flex', justifyContent: 'space-between' }}
              >
                <span>{stageLabel(s)}</span>
                <Badge
                  count={more[s] ? `${cards.length}+` : cards.length}
                  showZero
                  color={s === 'lost' ? '#cf1322' : '#1f5fbf'}
                />
              </div>
              {!columns && <Typography.Text type="secondary">{t('loading')}</Typography.Text>}
              {cards.map((l) => (
                <Card
                  key={l.id}
                  size="small"
                  draggable={canChange(l)}
                  data-testid="board-card"
                  data-lead-id={l.id}
                  onDragStart={(e) => {
                    dragging.current = l;
                    e.dataTransfer.setData('text/plain', l.id);
                    e.dataTransfer.effectAllowed = 'move';
                  }}
                  onDragEnd={() => setDragOver(null)}
                  style={{ marginBottom: 8, cursor: canChange(l) ? 'grab' : 'default' }}
                >
                  <div style={{ display: 'flex', justifyContent: 'space-between', gap: 4 }}>
                    <Link
                      to={`/leads/${l.id}`}
                      style={{ fontWeight: 500, minWidth: 0, overflowWrap: 'anywhere' }}
                    >
                      {l.title}
                    </Link>
                    {canChange(l) && (
                      <Dropdown
                        trigger={['click']}
                        menu={{
                          'aria-label': t('moveToLabel', { title: l.title }),
                          items: STAGES.filter(
                            (s2) =>
                              s2 !== l.stage && canMove(l.stage, s2, { resumeStage: l.resumeStage, manager }),
                          ).map((s2) => ({ key: s2, label: stageLabel(s2) })),
                          onClick: ({ key }) => void moveCard(l, key as Stage),
                        }}
                      >
                        <Button
                          size="small"
                          type="text"
                          icon={<SwapOutlined />}
                          aria-label={t('moveToLabel', { title: l.title })}
                          title={t('moveTo')}
                          data-testid="move-to"
                        />
                      </Dropdown>
                    )}
                  </div>
                  <div style={{ fontSize: 12, color: '#666' }}>{investorLabel(l)}</div>
                  <div style={{ fontSize: 12, marginTop: 4 }}>
                    <CityTag city={l.jurisdiction} /> {fmtNumber(l.plannedInvestmentWan)} {t('wan')}
                  </div>
                </Card>
              ))}
            </section>
          );
        })}
      </div>
    </>
  );
}
