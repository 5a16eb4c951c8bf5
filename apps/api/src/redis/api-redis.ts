import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';

/**
 * The api's own Redis connection (rate limits, health). It never queues commands while
 * disconnected, so a Redis outage fails requests at once instead of hanging them, and it
 * keeps reconnecting so the api recovers by itself.
 */
export class ApiRedis extends Redis implements OnApplicationShutdown {
  private readonly logger = new Logger('redis');
  private down = false;

  constructor(url: string) {
    super(url, {
      connectionName: 'starchart-api',
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 1_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    // ioredis emits an error per failed reconnect; one warning per outage is enough.
    this.on('error', (error: Error) => {
      if (this.down) return;
      this.down = true;
      this.logger.warn({ msg: 'redis unreachable', error: error.message });
    });
    this.on('ready', () => {
      if (this.down) this.logger.log({ msg: 'redis reachable again' });
      this.down = false;
    });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.status === 'ready') await this.quit();
    else this.disconnect();
  }
}
