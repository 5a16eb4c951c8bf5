import { Route53Client } from '@aws-sdk/client-route-53';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Cluster, Redis } from 'ioredis';
import { bareId, Route53Api, type RecordSetCursor, type RecordSetLimit } from './api/route53-api';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './api/retry-policy';
import { ChangeBatcher } from './batching/change-batcher';
import { encodeRecordName, normalizeRecordName } from './codecs/record-name';
import { fromResourceRecordSet } from './codecs/resource-record-set';
import {
  classifyRefusedChange,
  InvalidChangeError,
  Route53UnavailableError,
  ZoneFullError,
} from './errors';
import { SharedRateLimiter } from './rate-limit/shared-rate-limiter';
import type { ChangeStatus, RecordChange, RecordSet, RecordType } from './record-set';
import type { Route53Config } from './route53-config';
import type { Route53Observer } from './route53-observer';
import { ChangeStatusCache } from './status/change-status-cache';

export interface Route53ServiceOptions {
  config: Route53Config;
  /**
   * `open` makes the service's own Redis client (the app's one factory: a Redis or a Redis
   * Cluster), closed with the service. `keyPrefix` starts every key this library writes, e.g.
   * '{starchart}:': each key is touched alone, by one command or one single-key script.
   */
  redis: { open: () => Redis | Cluster; keyPrefix: string };
  /** Replaces the default backoff (8 attempts, 100 ms doubling up to 5 s). */
  retryPolicy?: RetryPolicy;
  /** Told of every call, batch and rate-limit wait (the worker's metrics). */
  observer?: Route53Observer;
}

/** A refusal that may be the record set quota (the emulator: "…quota of N resource record sets (MAX_RRSETS_BY_ZONE)…"). */
const QUOTA_WORDING = /MAX_RRSETS_BY_ZONE|(quota|limit)\b.*\brecord|record.*\b(quota|limit)\b/i;

const LIMIT_READING_REUSE_MS = 5_000;

/** Route 53 returns at most 300 record sets per ListResourceRecordSets page. */
const LIST_PAGE_SIZE = 300;
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

interface Route53ServiceParts {
  hostedZoneId: string;
  client: Route53Client;
  redis: Redis | Cluster;
  api: Route53Api;
  /** Undefined in naive mode (`batching: false`). */
  batcher: ChangeBatcher | undefined;
  statusCache: ChangeStatusCache | undefined;
}

/**
 * The only way Starchart talks to Route 53. Build it with `Route53Module.forRoot` in Nest, or with
 * `Route53Service.create` and `close` in scripts and tests.
 */
@Injectable()
export class Route53Service implements OnApplicationShutdown {
  /** The bare id, without '/hostedzone/'. */
  readonly hostedZoneId: string;
  private zoneNameRead: Promise<string> | undefined;
  private limitRead: { startedAt: number; reading: Promise<RecordSetLimit> } | undefined;
  private closing: Promise<void> | undefined;

  private constructor(private readonly parts: Route53ServiceParts) {
    this.hostedZoneId = parts.hostedZoneId;
  }

  /** Opens an SDK client and a Redis connection of its own; `close` releases both. */
  static create(options: Route53ServiceOptions): Route53Service {
    const { config } = options;
    const hostedZoneId = bareId(config.hostedZoneId);
    const timeoutMs = config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const client = new Route53Client({
      region: config.region,
      endpoint: config.endpoint,
      // Retries happen here, where each attempt first takes a token from the shared rate limit.
      maxAttempts: 1,
      requestHandler: {
        connectionTimeout: timeoutMs,
        requestTimeout: timeoutMs,
        throwOnRequestTimeout: true,
      },
    });
    const redis = options.redis.open();
    const limiter = new SharedRateLimiter(redis, {
      keyPrefix: options.redis.keyPrefix,
      ratePerSecond: config.ratePerSecond,
    });
    const api = new Route53Api(
      client,
      limiter,
      hostedZoneId,
      options.retryPolicy ?? DEFAULT_RETRY_POLICY,
      options.observer,
    );
    const statusCache = config.batching
      ? new ChangeStatusCache(redis, (changeId) => api.getChange(changeId), {
          keyPrefix: options.redis.keyPrefix,
        })
      : undefined;
    return new Route53Service({
      hostedZoneId,
      client,
      redis,
      api,
      batcher:
        statusCache &&
        new ChangeBatcher(
          async (changes) => {
            const { changeId, status } = await api.changeResourceRecordSets(changes);
            // Route 53 may answer INSYNC at once (a zone that propagates instantly): then no
            // record of the batch needs a GetChange to learn it. Awaited (one Redis write per
            // batch), so that a caller reading the status right after sees it whatever
            // connection, pipeline or cluster node serves the read.
            if (status === 'INSYNC') await statusCache.remember(changeId, status);
            return changeId;
          },
          { windowMs: config.batchWindowMs, busyIntervalMs: config.busyBatchIntervalMs },
        ),
      statusCache,
    });
  }

  /**
   * Submits one change through the coalescing batcher; resolves with the change id of the batch
   * that carried it. Rejects with a typed error for this change only.
   */
  async submitChange(change: RecordChange): Promise<{ changeId: string }> {
    this.assertOpen();
    const { batcher, api } = this.parts;
    try {
      if (batcher) return { changeId: await batcher.submit(change) };
      try {
        return { changeId: (await api.changeResourceRecordSets([change])).changeId };
      } catch (error) {
        throw error instanceof InvalidChangeError ? classifyRefusedChange(error) : error;
      }
    } catch (error) {
      throw await this.whenZoneFull(change, error);
    }
  }

  /** GetHostedZoneLimit: the record sets the zone holds and may hold (MAX_RRSETS_BY_ZONE). */
  recordSetLimit(): Promise<RecordSetLimit> {
    this.assertOpen();
    return this.parts.api.getRecordSetLimit();
  }

  /**
   * A refusal that speaks of the zone's record set quota, while GetHostedZoneLimit confirms the
   * zone holds it, is a ZoneFullError. AWS documents the code (InvalidChangeBatch) but not the
   * wording, so the text only selects the candidates and the zone's own count decides: a
   * wording we do not recognise stays an InvalidChangeError with Route 53's reason, never a
   * refusal of another kind taken for a full zone.
   */
  private async whenZoneFull(change: RecordChange, error: unknown): Promise<unknown> {
    const candidate =
      error instanceof InvalidChangeError &&
      !(error instanceof ZoneFullError) &&
      change.action !== 'DELETE' &&
      QUOTA_WORDING.test(error.message);
    if (!candidate) return error;
    try {
      const { count, max } = await this.sharedLimitReading();
      return count >= max ? new ZoneFullError(error.message, count, max, { cause: error }) : error;
    } catch {
      return error;
    }
  }

  /** Change status, shared across callers and processes through a short Redis cache. */
  async getChangeStatus(changeId: string): Promise<ChangeStatus> {
    this.assertOpen();
    const { statusCache, api } = this.parts;
    const id = bareId(changeId);
    return statusCache ? statusCache.get(id) : api.getChange(id);
  }

  /** The current record set (or undefined), read with ListResourceRecordSets. */
  async getRecordSet(name: string, type: RecordType): Promise<RecordSet | undefined> {
    this.assertOpen();
    // Route 53 lists from the given name and type onwards, so the first set is the one or a later one.
    const page = await this.parts.api.listResourceRecordSets(
      { name: encodeRecordName(name), type },
      1,
    );
    const [first] = page.recordSets;
    const recordSet = first && fromResourceRecordSet(first);
    return recordSet?.name === normalizeRecordName(name) && recordSet.type === type
      ? recordSet
      : undefined;
  }

  /**
   * Pages through the whole hosted zone (for the reconciler), skipping what `RecordSet` cannot
   * hold: alias records, routing-policy sets and types Starchart never writes.
   */
  async *listRecordSets(): AsyncIterable<RecordSet> {
    let cursor: RecordSetCursor | undefined;
    do {
      this.assertOpen();
      const page = await this.parts.api.listResourceRecordSets(cursor, LIST_PAGE_SIZE);
      for (const set of page.recordSets) {
        const recordSet = fromResourceRecordSet(set);
        if (recordSet) yield recordSet;
      }
      cursor = page.next;
    } while (cursor);
  }

  /** The hosted zone's name (e.g. 'starchart.test'), read once with GetHostedZone. */
  get zoneName(): Promise<string> {
    this.zoneNameRead ??= this.parts.api.getHostedZoneName().then(normalizeRecordName, (error) => {
      this.zoneNameRead = undefined;
      throw error;
    });
    return this.zoneNameRead;
  }

  /**
   * The refusals of one burst share one GetHostedZoneLimit: a batch bisected into N changes the
   * zone has no room for costs one reading, not N. Reusing it for a few seconds is safe, since a
   * refusal that names the quota means the zone was full when it was refused.
   */
  private sharedLimitReading(): Promise<RecordSetLimit> {
    const now = Date.now();
    if (this.limitRead && now - this.limitRead.startedAt < LIMIT_READING_REUSE_MS) {
      return this.limitRead.reading;
    }
    const reading = this.parts.api.getRecordSetLimit();
    this.limitRead = { startedAt: now, reading };
    reading.catch(() => {
      if (this.limitRead?.reading === reading) this.limitRead = undefined;
    });
    return reading;
  }

  /** Settles every change already submitted, then closes the SDK client and the Redis connection. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  private async shutDown(): Promise<void> {
    await this.parts.batcher?.drain();
    this.parts.client.destroy();
    await this.parts.redis.quit();
  }

  private assertOpen(): void {
    if (this.closing) {
      throw new Route53UnavailableError('Route53Service is closed', 'ClientClosed');
    }
  }
}
