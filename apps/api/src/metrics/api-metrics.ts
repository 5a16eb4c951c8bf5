import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  createMetricsRegistry,
  HttpMetrics,
  MetricsServer,
  renderMetrics,
} from '@starchart/telemetry';
import type { NextFunction, Request, Response } from 'express';
import type { Registry } from 'prom-client';
import { HealthService } from '../health/health.service';
import { routeTemplate } from '../http/route-template';

export const API_METRICS_CONFIG = Symbol('API_METRICS_CONFIG');

export interface ApiMetricsConfig {
  path: string;
  /** Set: served by a listener of its own (keep it private), not on the api's port. */
  listen: { host: string; port: number } | undefined;
}

/** The api's Prometheus metrics: request durations by route template, method and status. */
@Injectable()
export class ApiMetrics implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ApiMetrics.name);
  private readonly registry: Registry = createMetricsRegistry();
  private readonly http = new HttpMetrics(this.registry);
  private server: MetricsServer | undefined;

  constructor(
    @Inject(API_METRICS_CONFIG) private readonly config: ApiMetricsConfig,
    private readonly health: HealthService,
  ) {}

  /**
   * Times every request to the end of its response; mounted first, so that refusals by body
   * parsing, auth and validation count too. Serves the metrics on the api's port unless they
   * have a listener of their own.
   */
  readonly middleware = (request: Request, response: Response, next: NextFunction): void => {
    if (!this.config.listen && request.path === this.config.path && request.method === 'GET') {
      renderMetrics(this.registry).then(({ contentType, body }) => {
        response.setHeader('Cache-Control', 'no-store');
        response.type(contentType).send(body);
      }, next);
      return;
    }
    const started = process.hrtime.bigint();
    let observed = false;
    const observe = (): void => {
      if (observed) return;
      observed = true;
      this.http.observe({
        method: request.method,
        route: routeTemplate(request),
        status: response.statusCode,
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
      });
    };
    response.on('finish', observe);
    response.on('close', observe);
    next();
  };

  async onApplicationBootstrap(): Promise<void> {
    const listen = this.config.listen;
    if (!listen) return;
    this.server = await MetricsServer.listen({
      registry: this.registry,
      ...listen,
      path: this.config.path,
      health: async () => {
        const report = await this.health.check();
        return { ok: report.status === 'ok', report: { ...report } };
      },
    });
    this.logger.log(`metrics at ${this.metricsUrl}`);
  }

  /** Where the metrics' own listener serves them; undefined when they are on the api's port. */
  get metricsUrl(): string | undefined {
    return this.server && `${this.server.url}${this.config.path}`;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
  }
}
