import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process; the API exposes it at /metrics. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'liancheng_' });

export const httpDuration = new Histogram({
  name: 'liancheng_http_request_duration_seconds',
  help: 'HTTP request latency',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

export const queueDepth = new Gauge({
  name: 'liancheng_queue_jobs',
  help: 'Jobs in each queue by state',
  labelNames: ['queue', 'state'],
  registers: [metricsRegistry],
});

export const jobsProcessed = new Counter({
  name: 'liancheng_jobs_processed_total',
  help: 'Jobs processed by this worker, by outcome',
  labelNames: ['queue', 'job', 'outcome'],
  registers: [metricsRegistry],
});

export const outboxLag = new Gauge({
  name: 'liancheng_outbox_lag_seconds',
  help: 'Age of the oldest outbox row not yet relayed to the queue',
  registers: [metricsRegistry],
});

export const outboxPending = new Gauge({
  name: 'liancheng_outbox_pending',
  help: 'Outbox rows not yet relayed to the queue',
  registers: [metricsRegistry],
});

export const feedLag = new Gauge({
  name: 'liancheng_feed_lag_seconds',
  help: 'Age of the oldest change held back from the changes feed by an open transaction',
  registers: [metricsRegistry],
});

/**
 * The matching sweep (DESIGN §12) runs in the worker and keeps its counts in `matching_sweep`;
 * the API reads them at scrape time (PlatformController), as it does the outbox gauges.
 */
export const matchSweepFound = new Counter({
  name: 'liancheng_match_sweep_found_total',
  help: 'Leads the periodic sweep found with missing or out-of-date matches and no job queued (it queued one)',
  registers: [metricsRegistry],
});

export const matchSweepLastFound = new Gauge({
  name: 'liancheng_match_sweep_last_found',
  help: 'Leads the last sweep run found and queued',
  registers: [metricsRegistry],
});

export const matchSweepLastRun = new Gauge({
  name: 'liancheng_match_sweep_last_run_timestamp_seconds',
  help: 'When the sweep last ran (alert when it falls behind: the worker or its scheduler is down)',
  registers: [metricsRegistry],
});

export const matchesPendingLeads = new Gauge({
  name: 'liancheng_match_pending_leads',
  help: 'Leads whose matches are older than their matching inputs (a job is queued or running)',
  registers: [metricsRegistry],
});

export const queueBackendInfo = new Gauge({
  name: 'liancheng_queue_backend',
  help: 'Where the job queues live (QUEUE_BACKEND): 1 for the backend in use',
  labelNames: ['backend'],
  registers: [metricsRegistry],
});
