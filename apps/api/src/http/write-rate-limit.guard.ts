import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { RateLimitedError } from '../problems/api-errors';
import { ApiRedis } from '../redis/api-redis';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
// Outside the queue prefix: counting requests must not look like queue activity.
const KEY_PREFIX = 'starchart:rate-limit:writes';

/**
 * Limits each user's writes (POST, PATCH, DELETE) per minute across all api replicas. While
 * Redis is down each process counts on its own, so the limit still holds roughly.
 */
@Injectable()
export class WriteRateLimitGuard implements CanActivate {
  private readonly limiter: RateLimiterRedis;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    redis: ApiRedis,
  ) {
    const points = config.rateLimitPerMinute;
    this.limiter = new RateLimiterRedis({
      storeClient: redis.client,
      keyPrefix: KEY_PREFIX,
      points,
      duration: 60,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix: KEY_PREFIX, points, duration: 60 }),
    });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    if (SAFE_METHODS.has(request.method) || !request.principal) return true;
    try {
      await this.limiter.consume(request.principal.username);
      return true;
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      throw new RateLimitedError(
        this.config.rateLimitPerMinute,
        Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
      );
    }
  }
}
