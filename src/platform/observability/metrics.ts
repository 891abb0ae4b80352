import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  jobsProcessed: Counter<'kind' | 'outcome'>;
  messagesSent: Counter<'channel' | 'transport' | 'status'>;
}

/** One registry per app instance (tests build several apps in one process). */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    jobsProcessed: new Counter({
      name: 'portal_jobs_processed_total',
      help: 'Jobs run by the worker, by kind and outcome',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    }),
    messagesSent: new Counter({
      name: 'portal_messages_sent_total',
      help: 'Emails and SMS handed to a transport',
      labelNames: ['channel', 'transport', 'status'],
      registers: [registry],
    }),
  };
}

export function registerHttpMetrics(app: FastifyInstance, metrics: Metrics, token: string | null): void {
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [metrics.registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    duration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'not_found', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  app.get('/metrics', async (request, reply) => {
    if (token && request.headers.authorization !== `Bearer ${token}`) return reply.code(401).send('unauthorized');
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
