import { Injectable } from '@nestjs/common';
import { DnsFlowService } from '@starchart/dns-flow';
import { DataSource } from 'typeorm';
import { withTimeout } from '../common/with-timeout';

// A health probe must answer quickly even when a dependency hangs.
const CHECK_TIMEOUT_MS = 1_000;

export interface DependencyHealth {
  up: boolean;
  error?: string;
}

export interface HealthReport {
  status: 'ok' | 'error';
  redis: DependencyHealth;
  database: DependencyHealth;
  /**
   * Worker processes serving every DNS flow queue (the fewest of any queue: a flow stalls at the
   * first queue nobody serves); null when Redis cannot be asked.
   */
  workers: number | null;
}

@Injectable()
export class HealthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly flows: DnsFlowService,
  ) {}

  async check(): Promise<HealthReport> {
    const [redis, database] = await Promise.all([
      // The producer connection: the one record writes depend on.
      probe(() => this.flows.ping()),
      probe(() => this.dataSource.query('SELECT 1')),
    ]);
    return {
      status: redis.up && database.up ? 'ok' : 'error',
      redis,
      database,
      // Only asked when Redis answers: BullMQ would wait for the connection instead of failing.
      workers: redis.up ? await this.countWorkers() : null,
    };
  }

  private async countWorkers(): Promise<number | null> {
    try {
      const counts = await withTimeout(
        this.flows.getWorkerCounts(),
        CHECK_TIMEOUT_MS,
        'worker count',
      );
      return Math.min(...Object.values(counts));
    } catch {
      return null;
    }
  }
}

async function probe(check: () => Promise<unknown>): Promise<DependencyHealth> {
  try {
    await withTimeout(check(), CHECK_TIMEOUT_MS, 'health probe');
    return { up: true };
  } catch (error) {
    return { up: false, error: error instanceof Error ? error.message : String(error) };
  }
}
