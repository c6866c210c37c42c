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
