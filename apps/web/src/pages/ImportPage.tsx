import { DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Progress,
  Radio,
  Space,
  Statistic,
  Steps,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import type { UploadFile } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, authFetch } from '../api/client';
import { useI18n } from '../i18n/context';
import { downloadFile } from '../lib/download';
import { describeError } from '../lib/errors';
import { isManager } from '../api/session';
import { useSession } from '../components/common';
import type { components } from '../api/schema';

type ImportView = components['schemas']['ImportViewDto'];
type Entity = 'lead' | 'enterprise' | 'park';

const OUTCOME_COLORS: Record<string, string> = {
  create: 'green',
  update: 'blue',
  unchanged: 'default',
  error: 'red',
};

/** 导入 wizard (DESIGN §17): upload, progress, preview with every error, commit, result workbook. */
export default function ImportPage() {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  // Officers import parks (as they may write them); leads and enterprises are for managers.
  const manager = isManager(useSession()!);
  const [entity, setEntity] = useState<Entity>(manager ? 'lead' : 'park');
  const [file, setFile] = useState<File | null>(null);
  const [view, setView] = useState<ImportView | null>(null);
  const [busy, setBusy] = useState(false);
  const timer = useRef<number | null>(null);

  const poll = useCallback(
    (id: string) => {
      const tick = async () => {
        try {
          const res = await authFetch(new Request(`/api/v1/imports/${id}`));
          if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => ({})));
          const v = (await res.json()) as ImportView;
          setView(v);
          if (['queued', 'reading', 'committing'].includes(v.status))
            timer.current = window.setTimeout(tick, 800);
        } catch (e) {
          message.error(describeError(locale, e));
        }
      };
      void tick();
    },
    [locale, message],
  );
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  const start = async () => {
    if (!file) return;
    setBusy(true);
    try {
      const form = new FormData();
      form.append('file', file, file.name);
      const res = await authFetch(
        new Request(`/api/v1/imports?entity=${entity}`, { method: 'POST', body: form }),
      );
      if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => ({})));
      const v = (await res.json()) as ImportView;
      setView(v);
      poll(v.id);
    } catch (e) {
      message.error(describeError(locale, e));
    } finally {
      setBusy(false);
    }
  };
  const commit = async () => {
    setBusy(true);
    try {
      const res = await authFetch(new Request(`/api/v1/imports/${view!.id}/commit`, { method: 'POST' }));
      if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => ({})));
      setView((await res.json()) as ImportView);
      poll(view!.id);
    } catch (e) {
      message.error(describeError(locale, e));
    } finally {
      setBusy(false);
    }
  };
  const download = (url: string, name: string) =>
    downloadFile(url, name).catch((e) => message.error(describeError(locale, e)));
  const reset = () => {
    setView(null);
    setFile(null);
  };

  const status = view?.status;
  const step = !view
    ? 0
    : status === 'queued' || status === 'reading'
      ? 1
      : status === 'ready' || status === 'failed'
        ? 2
        : 3;
  const running = status === 'queued' || status === 'reading' || status === 'committing';
  const percent =
    view && view.progress.total ? Math.round((100 * view.progress.rows) / view.progress.total) : undefined;
  const valid = view?.counts ? view.counts.create + view.counts.update + view.counts.unchanged : 0;
  const columns = view?.columns ?? [];

  return (
    <Card title={t('importTitle')} size="small">
      <Steps
        size="small"
        current={step}
        style={{ marginBottom: 16 }}
        items={[
          { title: t('importStepUpload') },
          { title: t('importStepCheck') },
          { title: t('importStepPreview') },
          { title: t('importStepDone') },
        ]}
      />
      {!view && (
        <Space orientation="vertical" style={{ width: '100%' }} size="middle">
          <Space wrap>
            <span>{t('importEntity')}:</span>
            <Radio.Group
              value={entity}
              onChange={(e) => setEntity(e.target.value as Entity)}
              optionType="button"
              options={[
                ...(manager
                  ? [
                      { value: 'lead', label: t('importLeads') },
                      { value: 'enterprise', label: t('importEnterprises') },
                    ]
                  : []),
                { value: 'park', label: t('importParks') },
              ]}
            />
            <Button
              icon={<DownloadOutlined />}
              onClick={() =>
                void download(`/api/v1/imports/template?entity=${entity}`, `${entity}-template.xlsx`)
              }
            >
              {t('importTemplate')}
            </Button>
          </Space>
          <Upload.Dragger
            accept=".xlsx,.csv"
            maxCount={1}
            fileList={file ? [{ uid: '1', name: file.name, status: 'done' } as UploadFile] : []}
            beforeUpload={(f) => {
              setFile(f);
              return false;
            }}
            onRemove={() => setFile(null)}
            data-testid="import-file"
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">{t('importDrop')}</p>
          </Upload.Dragger>
          <Typography.Text type="secondary">{t('importNoWrite')}</Typography.Text>
          <Button type="primary" disabled={!file} loading={busy} onClick={() => void start()}>
            {t('importStart')}
          </Button>
        </Space>
      )}
      {view && running && (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Text>{t(status === 'committing' ? 'importWriting' : 'importReading')}</Typography.Text>
          <Progress percent={percent ?? 0} status="active" data-testid="import-progress" />
          <Typography.Text type="secondary">{t('importRowsRead', { n: view.progress.rows })}</Typography.Text>
        </Space>
      )}
      {view && status === 'failed' && (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Alert type="error" showIcon message={t('importFailed')} description={view.failure} />
          <Button onClick={reset}>{t('importAgain')}</Button>
        </Space>
      )}
      {view && (status === 'ready' || status === 'committed') && view.counts && (
        <Space orientation="vertical" style={{ width: '100%' }} size="middle">
          {status === 'committed' && view.commitCounts && (
            <Alert
              type={view.commitCounts.error ? 'warning' : 'success'}
              showIcon
              data-testid="import-done"
              message={t('importDone', {
                c: view.commitCounts.created,
                u: view.commitCounts.updated,
                n: view.commitCounts.unchanged,
                e: view.commitCounts.error,
              })}
            />
          )}
          <Space wrap size="large">
            <Statistic title={t('importCreate')} value={view.counts.create} />
            <Statistic title={t('importUpdate')} value={view.counts.update} />
            <Statistic title={t('importUnchanged')} value={view.counts.unchanged} />
            <Statistic
              title={t('importError')}
              value={view.counts.error}
              valueStyle={{ color: view.counts.error ? '#cf1322' : undefined }}
            />
          </Space>
          {view.ignoredColumns.length > 0 && (
            <Alert
              type="info"
              showIcon
              message={t('importIgnored', { cols: view.ignoredColumns.join('、') })}
            />
          )}
          {view.collisions.length > 0 && (
            <Alert type="warning" showIcon message={t('importCollisions', { n: view.collisions.length })} />
          )}
          <Space wrap>
            {status === 'ready' && (
              <Button
                type="primary"
                loading={busy}
                disabled={!valid}
                onClick={() => void commit()}
                data-testid="import-commit"
              >
                {valid ? t('importCommit', { n: valid }) : t('importNothing')}
              </Button>
            )}
            <Button
              icon={<DownloadOutlined />}
              onClick={() => void download(`/api/v1/imports/${view.id}/result`, 'result.xlsx')}
            >
              {t('importResult')}
            </Button>
            <Button onClick={reset}>{t('importAgain')}</Button>
          </Space>
          {view.errors.length > 0 && (
            <Table
              size="small"
              title={() => <b>{t('importErrors')}</b>}
              rowKey={(e) => `${e.row}-${e.column}-${e.message}`}
              dataSource={view.errors}
              pagination={{ pageSize: 10, showSizeChanger: false }}
              scroll={{ x: 560 }}
              columns={[
                { title: t('importRow'), dataIndex: 'row', width: 70 },
                { title: t('importColumn'), dataIndex: 'column', width: 160 },
                { title: t('importMessage'), dataIndex: 'message' },
              ]}
            />
          )}
          <Table
            size="small"
            title={() => <b>{t('importPreviewRows')}</b>}
            rowKey="row"
            dataSource={view.preview}
            pagination={{ pageSize: 10, showSizeChanger: false }}
            scroll={{ x: 'max-content' }}
            rowClassName={(r) => (r.outcome === 'error' ? 'import-row-error' : '')}
            columns={[
              { title: t('importRow'), dataIndex: 'row', width: 60, fixed: 'left' },
              {
                title: t('importOutcome'),
                dataIndex: 'outcome',
                width: 90,
                render: (o: string, r) => (
                  <Tag color={OUTCOME_COLORS[o]}>
                    {t(
                      (
                        {
                          create: 'importCreate',
                          update: 'importUpdate',
                          unchanged: 'importUnchanged',
                          error: 'importError',
                        } as const
                      )[o as 'create'],
                    )}
                    {r.written === 'failed' ? ' ✗' : ''}
                  </Tag>
                ),
              },
              ...columns.slice(0, 6).map((c, i) => ({
                title: c,
                key: `c${i}`,
                ellipsis: true,
                width: 140,
                render: (_: unknown, r: ImportView['preview'][number]) => {
                  const v = r.cells[i];
                  return v === null || v === undefined ? '' : String(v);
                },
              })),
              {
                title: t('importErrors'),
                key: 'errors',
                render: (_: unknown, r: ImportView['preview'][number]) =>
                  r.errors.map((e) => (e.column ? `${e.column}: ${e.message}` : e.message)).join('；'),
              },
            ]}
          />
        </Space>
      )}
    </Card>
  );
}
