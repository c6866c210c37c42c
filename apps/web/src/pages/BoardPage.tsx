import { Alert, App, Badge, Card, Select, Space, Switch, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import { Link } from 'react-router-dom';
import { ApiError } from '../api/client';
import { leads as leadsApi } from '../api/endpoints';
import { isManager } from '../api/session';
import type { Lead } from '../api/types';
import { CityTag, ErrorAlert, fmtNumber, investorLabel, useSession } from '../components/common';
import { useI18n } from '../i18n/context';
import { allowedFromError, describeError } from '../lib/errors';
import { canMove, STAGES, type Stage } from '../lib/stages';
import { useTaxonomy } from '../taxonomy';

const PER_COLUMN = 30;

/** Kanban by stage; drag a card to move it (POST /leads/:id/stage). A refused move puts the card back. */
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
    if (!lead || !columns || lead.stage === to) return;
    const from = lead.stage;
    const before = columns;
    // Optimistic: show the card in its new column while the server decides.
    setColumns({
      ...columns,
      [from]: columns[from].filter((l) => l.id !== lead.id),
      [to]: [{ ...lead, stage: to }, ...columns[to]],
    });
    setNotice(null);
    try {
      const updated = await leadsApi.move(lead.id, to);
      setColumns((cols) =>
        cols
          ? { ...cols, [to]: cols[to].map((l) => (l.id === lead.id ? { ...l, ...updated, stage: to } : l)) }
          : cols,
      );
      message.success(`${lead.title} → ${stageLabel(to)}`);
    } catch (err) {
      setColumns(before); // the card returns
      const allowed = allowedFromError(err);
      const text =
        err instanceof ApiError && err.status === 409 && allowed
          ? t('stageNotAllowed', { allowed: allowed.map(stageLabel).join('、') || '—' })
          : describeError(locale, err);
      setNotice(`${lead.title}: ${text}`);
    }
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
                  <Link to={`/leads/${l.id}`} style={{ fontWeight: 500 }}>
                    {l.title}
                  </Link>
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
