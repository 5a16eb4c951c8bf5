import { getQueueToken, WorkerHost } from '@nestjs/bullmq';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { DiscoveryService, ModuleRef } from '@nestjs/core';
import { CaPause } from '@starchart/cert-flow';
import { CERT_QUEUES } from '@starchart/cert-flow/queues';
import { DNS_QUEUES, RECONCILE_QUEUE } from '@starchart/dns-flow/queues';
import { NOTICE_KINDS } from '@starchart/flow-runtime';
import { NOTIFICATION_QUEUES } from '@starchart/notifications/queues';
import { readCertificateHealth, readRecordHealth } from '@starchart/persistence';
import {
  AcmePauseMetrics,
  CertificateMetrics,
  COUNTED_JOB_STATES,
  createMetricsRegistry,
  FlowMetrics,
  JobMetrics,
  MetricsServer,
  NOTICE_OUTCOMES,
  NotificationMetrics,
  ReconcilerMetrics,
  RecordMetrics,
  Route53Metrics,
  type JobAttemptOutcome,
} from '@starchart/telemetry';
import type { Job, Queue, Worker } from 'bullmq';
import type { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import type { WorkerMetricsConfig } from '../config/worker-config';

export const WORKER_METRICS_CONFIG = Symbol('WORKER_METRICS_CONFIG');

// What the listeners read of jobs they did not type: validated, not trusted.
const flowOpSchema = z.object({ op: z.string() });
const outcomeSchema = z.object({ outcome: z.string() });
const noticeKindSchema = z.object({ kind: z.string() });
const noticeOutcomeSchema = z.object({ outcome: z.enum(NOTICE_OUTCOMES) });
const reconcileReportSchema = z.object({
  upserted: z.number(),
  deleted: z.number(),
  requeued: z.number(),
  failed: z.number(),
  zone: z.object({ recordSets: z.number(), quota: z.number() }).nullable().optional(),
});

/** The worker's metrics that exist before Nest starts: the Route 53 client is built with one. */
export class WorkerMetricsRegistry {
  readonly registry: Registry = createMetricsRegistry();
  readonly route53 = new Route53Metrics(this.registry);
  readonly flows = new FlowMetrics(this.registry);
  readonly reconciler = new ReconcilerMetrics(this.registry);
  readonly notifications = new NotificationMetrics(this.registry, NOTICE_KINDS);
}

/**
 * Counts what this process's workers do, from their events (the processors know nothing of it),
 * reads job counts and certificate expiry when scraped, and serves `/metrics` and `/health`.
 */
@Injectable()
export class WorkerMetrics implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerMetrics.name);
  private workers: Worker[] = [];
  private server: MetricsServer | undefined;

  constructor(
    private readonly metrics: WorkerMetricsRegistry,
    @Inject(WORKER_METRICS_CONFIG) private readonly config: WorkerMetricsConfig,
    private readonly discovery: DiscoveryService,
    private readonly moduleRef: ModuleRef,
    private readonly dataSource: DataSource,
    // Provided by the certificate flow's module: absent when the worker issues no certificates.
    @Optional() private readonly caPause?: CaPause,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { registry, flows, reconciler, notifications } = this.metrics;
    this.workers = this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance)
      .filter((instance): instance is WorkerHost => instance instanceof WorkerHost)
      .map((host) => host.worker);
    const queues = this.workers.map((worker) =>
      this.moduleRef.get<Queue>(getQueueToken(worker.name), { strict: false }),
    );
    const jobs = new JobMetrics(registry, () =>
      Promise.all(
        queues.map(async (queue) => ({
          queue: queue.name,
          counts: await queue.getJobCounts(...COUNTED_JOB_STATES),
        })),
      ),
    );
    new CertificateMetrics(registry, () => readCertificateHealth(this.dataSource.manager));
    new RecordMetrics(registry, () => readRecordHealth(this.dataSource.manager));
    const caPause = this.caPause;
    if (caPause) new AcmePauseMetrics(registry, () => caPause.pausedUntil());

    for (const worker of this.workers) {
      const queue = worker.name;
      worker.on('completed', (job: Job, result: unknown) => {
        jobs.attemptFinished(queue, 'completed', attemptSeconds(job));
        if (queue === DNS_QUEUES.syncDbStatus) {
          const data = flowOpSchema.safeParse(job.data);
          const ended = outcomeSchema.safeParse(result);
          if (data.success && ended.success) {
            const seconds = ((job.finishedOn ?? Date.now()) - job.timestamp) / 1000;
            flows.recordFlowEnded(data.data.op, ended.data.outcome, seconds);
          }
        } else if (queue === CERT_QUEUES.cleanupChallenge) {
          const data = flowOpSchema.safeParse(job.data);
          const ended = outcomeSchema.safeParse(result);
          if (data.success && ended.success) flows.acmeOrderEnded(data.data.op, ended.data.outcome);
        } else if (queue === RECONCILE_QUEUE) {
          const report = reconcileReportSchema.safeParse(result);
          if (report.success) reconciler.runFinished(report.data);
        } else if (queue === NOTIFICATION_QUEUES.sendNotification) {
          const notice = noticeKindSchema.safeParse(job.data);
          const ended = noticeOutcomeSchema.safeParse(result);
          if (notice.success && ended.success)
            notifications.noticeSettled(notice.data.kind, ended.data.outcome);
        }
      });
      // Emitted after the attempt was recorded: a job that failed for good has finishedOn set.
      worker.on('failed', (job: Job | undefined) => {
        if (!job) return;
        const outcome: JobAttemptOutcome = job.finishedOn ? 'failed' : 'retried';
        jobs.attemptFinished(queue, outcome, attemptSeconds(job));
        const notice = noticeKindSchema.safeParse(job.data);
        if (
          outcome === 'failed' &&
          queue === NOTIFICATION_QUEUES.sendNotification &&
          notice.success
        )
          notifications.noticeSettled(notice.data.kind, 'failed');
      });
    }

    const listen = this.config.listen;
    if (listen) {
      this.server = await MetricsServer.listen({
        registry,
        ...listen,
        health: async () => {
          const running = this.workers.filter((worker) => worker.isRunning()).length;
          return {
            ok: running === this.workers.length,
            report: { workers: running, queues: this.workers.length },
          };
        },
      });
      this.logger.log(
        `metrics at ${this.server.url}${listen.path}, health at ${this.server.url}/health`,
      );
    }
  }

  /** Where `/metrics` is served; undefined without a listener. */
  get metricsUrl(): string | undefined {
    return this.server && this.config.listen && `${this.server.url}${this.config.listen.path}`;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
  }
}

/** From the attempt starting to it ending; undefined if the job never recorded its start. */
function attemptSeconds(job: Job): number | undefined {
  if (!job.processedOn) return undefined;
  return ((job.finishedOn ?? Date.now()) - job.processedOn) / 1000;
}
