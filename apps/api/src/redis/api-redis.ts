import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { createRedisClient, type RedisClient, type RedisTarget } from '@starchart/flow-runtime';

/**
 * The api's own Redis connection (rate limits, health). It never queues commands while
 * disconnected, so a Redis outage fails requests at once instead of hanging them, and it
 * keeps reconnecting so the api recovers by itself.
 */
export class ApiRedis implements OnApplicationShutdown {
  readonly client: RedisClient;
  private readonly logger = new Logger('redis');
  private down = false;

  constructor(target: RedisTarget) {
    this.client = createRedisClient(target, {
      connectionName: 'starchart-api',
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeoutMs: 1_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    // ioredis emits an error per failed reconnect; one warning per outage is enough.
    this.client.on('error', (error: Error) => {
      if (this.down) return;
      this.down = true;
      this.logger.warn({ msg: 'redis unreachable', error: error.message });
    });
    this.client.on('ready', () => {
      if (this.down) this.logger.log({ msg: 'redis reachable again' });
      this.down = false;
    });
  }

  get status(): string {
    return this.client.status;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.client.status === 'ready') await this.client.quit();
    else this.client.disconnect();
  }
}
