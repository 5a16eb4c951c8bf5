import { Logger } from '@nestjs/common';
import type { RedisClient } from '@starchart/flow-runtime';
import { z } from 'zod';

/** What the workers last learned of a full hosted zone, from Route 53's GetHostedZoneLimit. */
export interface ZoneFull {
  /** Record sets the zone held, its SOA and NS included. */
  count: number;
  /** Its quota, MAX_RRSETS_BY_ZONE (10,000 unless AWS raised it). */
  max: number;
  /** ISO time of the reading. */
  checkedAt: string;
}

const zoneFullSchema = z.strictObject({
  count: z.number().int().nonnegative(),
  max: z.number().int().positive(),
  checkedAt: z.iso.datetime(),
});

/**
 * A reading is trusted this long: a create refused in the meantime costs no flow and no Route 53
 * call; after it one create runs its flow again and learns the zone's state anew (one
 * ChangeResourceRecordSets and one GetHostedZoneLimit a minute while the zone stays full).
 */
export const ZONE_FULL_TTL_SECONDS = 60;

/**
 * Whether the hosted zone is full, shared through Redis beside the queues: the workers write what
 * Route 53 told them (a create refused for the quota, a reconcile run's reading), and a delete the
 * zone accepted clears it; the api reads it before it starts a create's flow. The key lives in the
 * queues' hash tag, so it shares their Redis Cluster slot.
 */
export class ZoneCapacity {
  private readonly logger = new Logger(ZoneCapacity.name);
  private readonly key: string;

  constructor(
    private readonly redis: RedisClient,
    queuePrefix: string,
  ) {
    this.key = `${queuePrefix}:zone-full`;
  }

  /** Records a reading; a zone with room clears an earlier one. */
  async record(reading: { count: number; max: number }): Promise<void> {
    if (reading.count < reading.max) return this.clear();
    const full: ZoneFull = {
      count: reading.count,
      max: reading.max,
      checkedAt: new Date().toISOString(),
    };
    await this.redis.set(this.key, JSON.stringify(full), 'EX', ZONE_FULL_TTL_SECONDS);
  }

  /** A set left the zone: whatever was full has room again. */
  async clear(): Promise<void> {
    await this.redis.del(this.key);
  }

  /**
   * The last reading that found the zone full, if it is still trusted. Never throws: a check
   * that cannot be made lets the create through, and its flow finds out for itself.
   */
  async full(): Promise<ZoneFull | undefined> {
    try {
      const text = await this.redis.get(this.key);
      if (text === null) return undefined;
      const parsed = zoneFullSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : undefined;
    } catch (error) {
      this.logger.warn({ msg: 'zone capacity unknown', error: String(error) });
      return undefined;
    }
  }
}
