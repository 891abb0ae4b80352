import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AccountLimitStats } from '../http/account-limit.ts';
import type { AdmissionStats } from '../http/admission.ts';
import type { SocketGuardStats } from '../http/socket-guard.ts';
import type { TimeBudgetStats } from '../http/time-budget.ts';

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
  app.addHook('onResponse', (request, reply, done) => {
    duration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'not_found', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
  // the token compared in constant time (as digests: equal lengths whatever is sent)
  const digest = (value: string) => createHash('sha256').update(value).digest();
  const expected = token ? digest(`Bearer ${token}`) : null;
  app.get('/metrics', async (request, reply) => {
    if (expected && !timingSafeEqual(digest(request.headers.authorization ?? ''), expected)) return reply.code(401).type('text/plain; charset=utf-8').send('Accès refusé : jeton de supervision requis.\n');
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}

/** Where the node's budgets keep their counts (each read when /metrics is scraped; null: not on this node). */
export interface BudgetSources {
  /** the waiting room (admission.ts) */
  admission: () => AdmissionStats & { queued: number };
  /** requests in progress per signed-in account (account-limit.ts) */
  accountLimit: () => AccountLimitStats;
  /** the back office's time budget (time-budget-plugin.ts): null when BACKOFFICE_TIME_SHARE is 0 */
  backOffice: (() => TimeBudgetStats) | null;
  /** the socket cap (socket-guard.ts): null before the server is made */
  sockets: () => SocketGuardStats | null;
}

/**
 * The budgets' counts in /metrics (issue 20), read from the budgets themselves at each scrape: no
 * work per request. Counters (`_total`) count since the process started; gauges are the state now.
 */
export function registerBudgetMetrics(metrics: Metrics, sources: BudgetSources): void {
  const registers = [metrics.registry];
  const gauge = (name: string, help: string, read: () => number | null) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        const value = read();
        if (value === null) this.reset();
        else this.set(value);
      },
    });
  const counter = (name: string, help: string, read: () => number | null) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        // the budget keeps the count: the counter shows it as it is
        this.reset();
        const value = read();
        if (value !== null) this.inc(value);
      },
    });
  const admission = sources.admission;
  gauge('portal_waiting_room_in_flight', 'Requests in progress counted by the waiting room', () => admission().inFlight);
  gauge('portal_waiting_room_limit', 'Requests in progress the waiting room allows now (adapted to the latency)', () => admission().limit);
  gauge('portal_waiting_room_newcomer_share', 'Share of newcomers let in now (1: all), from the event loop delay', () => admission().share);
  gauge('portal_waiting_room_loop_delay_seconds', 'How late the event loop runs now, as the waiting room reads it', () => admission().loopDelayMs / 1000);
  gauge('portal_waiting_room_queued', 'Visitors holding a place in this node\'s waiting queue', () => admission().queued);
  counter('portal_waiting_room_admitted_total', 'Newcomers let in by the waiting room', () => admission().admitted);
  counter('portal_waiting_room_waited_total', 'Requests answered with the waiting page (503)', () => admission().waited);
  counter('portal_waiting_room_waited_early_total', 'Of those, answered before Fastify (overloaded node)', () => admission().waitedEarly);

  const accounts = sources.accountLimit;
  gauge('portal_account_limit_accounts', 'Signed-in accounts with requests in progress on this node', () => accounts().accounts);
  counter('portal_account_limit_refused_total', 'Requests refused (429) for their account\'s requests in progress', () => accounts().refused);
  counter('portal_account_limit_slow_bodies_cut_total', 'Signed-in request bodies cut for arriving under the floor rate', () => accounts().slowBodiesCut);

  const backOffice = sources.backOffice;
  const budget = <K extends keyof TimeBudgetStats>(key: K) => () => (backOffice ? backOffice()[key] : null);
  gauge('portal_back_office_budget_in_progress', 'Agents\' requests in progress within the back office\'s time budget', budget('inProgress'));
  gauge('portal_back_office_budget_queued', 'Agents\' pages waiting for the back office\'s time budget', budget('queued'));
  gauge('portal_back_office_budget_tokens_seconds', 'Time left in the back office\'s budget (negative: debt)', () => (backOffice ? backOffice().tokens / 1000 : null));
  counter('portal_back_office_budget_admitted_total', 'Agents\' requests let in by the time budget', budget('admitted'));
  counter('portal_back_office_budget_waited_total', 'Agents\' pages that waited for the time budget', budget('waited'));
  counter('portal_back_office_budget_expired_total', 'Agents\' pages sent the busy page after waiting too long', budget('expired'));
  counter('portal_back_office_budget_refused_total', 'Agents\' pages refused at once (queue full)', budget('refused'));

  const sockets = sources.sockets;
  gauge('portal_sockets_open', 'Client sockets open under the cap', () => sockets()?.open ?? null);
  gauge('portal_sockets_signed_in_reserve', 'Sockets over their address\'s cap served for signed-in requests (the reserve)', () => sockets()?.reserved ?? null);
  gauge('portal_sockets_max', 'Client sockets allowed in all (0: no cap)', () => sockets()?.maxConnections ?? null);
  counter('portal_sockets_over_cap_total', 'Sockets over the cap (per address or in all): answered with the waiting page, or cut', () => sockets()?.refused ?? null);
  counter('portal_sockets_cut_total', 'Of those, destroyed unanswered', () => sockets()?.cut ?? null);
}
