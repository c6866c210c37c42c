import { Alert, Button, Card, Progress, Space, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { admin } from '../../api/endpoints';
import { ErrorAlert } from '../../components/common';
import { useI18n } from '../../i18n/context';

/** Progress as a 0–100 percentage from the job status (a number, or {done,total}). */
export function progressPercent(
  progress: number | { done?: number; total?: number } | undefined,
  state?: string,
): number {
  if (state === 'completed' || state === 'done') return 100;
  if (typeof progress === 'number')
    return Math.max(
      0,
      Math.min(
        100,
        Math.round(progress <= 1 && progress > 0 && !Number.isInteger(progress) ? progress * 100 : progress),
      ),
    );
  if (progress && typeof progress === 'object' && progress.total)
    return Math.round(((progress.done ?? 0) / progress.total) * 100);
  return 0;
}

const REMATCH_JOB_KEY = 'lc.rematchJob';
const JOB_STATES = ['queued', 'waiting', 'delayed', 'active', 'completed', 'failed', 'unknown'] as const;

export function RematchTab() {
  const { t } = useI18n();
  const [jobId, setJobId] = useState<string | null>(null);
  const [percent, setPercent] = useState(0);
  const [counts, setCounts] = useState<{ done: number; total: number } | null>(null);
  const [state, setState] = useState<string | null>(null);
  const [failedReason, setFailedReason] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const timer = useRef<ReturnType<typeof setInterval> | null>(null);
  const stop = () => {
    if (timer.current) clearInterval(timer.current);
    timer.current = null;
  };
  /** Polls a job's state every second until it ends. `resumed`: the job id came from an earlier visit. */
  const follow = useCallback((id: string, resumed: boolean) => {
    const poll = async () => {
      try {
        const s = (await admin.rematchStatus(id)) as Awaited<ReturnType<typeof admin.rematchStatus>> & {
          failedReason?: string | null;
        };
        const st = s.state ?? s.status ?? '';
        setJobId(id);
        setState(st);
        setPercent(progressPercent(s.progress, st));
        if (s.progress && typeof s.progress === 'object' && s.progress.total)
          setCounts({ done: s.progress.done ?? 0, total: s.progress.total });
        setFailedReason(s.failedReason ?? null);
        if (['completed', 'failed'].includes(st)) stop();
      } catch (e) {
        stop();
        // A finished job from an earlier visit may be gone from the queue: nothing to show.
        if (resumed) {
          sessionStorage.removeItem(REMATCH_JOB_KEY);
          setJobId(null);
        } else setError(e);
      }
    };
    stop();
    void poll();
    timer.current = setInterval(poll, 1000);
  }, []);
  // Leaving the tab or reloading does not lose a running re-match: pick it up again.
  useEffect(() => {
    const id = sessionStorage.getItem(REMATCH_JOB_KEY);
    if (id) follow(id, true);
    return stop;
  }, [follow]);
  const start = async () => {
    stop();
    setError(null);
    setPercent(0);
    setCounts(null);
    setFailedReason(null);
    try {
      const { jobId: id } = await admin.rematch();
      sessionStorage.setItem(REMATCH_JOB_KEY, id);
      setJobId(id);
      setState('queued');
      follow(id, false);
    } catch (e) {
      setError(e);
    }
  };
  const running = !!jobId && !['completed', 'done', 'failed'].includes(state ?? '');
  const stateLabel = (JOB_STATES as readonly string[]).includes(state ?? '')
    ? t(`job_${state as (typeof JOB_STATES)[number]}` as const)
    : (state ?? '');
  return (
    <Card size="small">
      <ErrorAlert error={error} />
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('rematchHint')}
        </Typography.Paragraph>
        <Button type="primary" onClick={start} loading={running} data-testid="rematch-start">
          {t('rematchStart')}
        </Button>
        {jobId && (
          <div data-testid="rematch-progress" data-state={state ?? ''}>
            <Typography.Text type="secondary">
              {stateLabel}
              {counts ? ` · ${t('rematchCounts', { done: counts.done, total: counts.total })}` : ''}
            </Typography.Text>
            <Progress
              percent={percent}
              status={state === 'failed' ? 'exception' : percent === 100 ? 'success' : 'active'}
              aria-label={t('progress')}
            />
            {state === 'failed' && <Alert type="error" showIcon title={failedReason ?? stateLabel} />}
            {state === 'completed' && <Alert type="success" showIcon title={t('rematchDone')} />}
          </div>
        )}
      </Space>
    </Card>
  );
}
