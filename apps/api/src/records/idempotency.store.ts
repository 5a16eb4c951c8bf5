import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  IdempotencyKeyEntity,
  IdempotencyKeysRepository,
  WriteCollisionError,
} from '@starchart/persistence';
import { createHash } from 'node:crypto';
import { IsNull, type EntityManager } from 'typeorm';
import { IdempotencyKeyReusedError, InvalidInputError } from '../problems/api-errors';

export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;
const PURGE_INTERVAL_MS = 60 * 60 * 1000;
const PURGE_BATCH = 1_000;
// Visible ASCII without spaces, and no longer than the key column.
const KEY_PATTERN = /^[\x21-\x7e]{1,128}$/;

/** One request sent with an Idempotency-Key: who sent it, the key, and what exactly was asked. */
export interface IdempotentRequest {
  username: string;
  key: string;
  requestHash: string;
}

export interface StoredResponse {
  statusCode: number;
  body: object;
}

/** Answers stored per (user, Idempotency-Key) so that a retried POST replays the first answer. */
@Injectable()
export class IdempotencyStore implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IdempotencyStore.name);
  private purgeTimer: NodeJS.Timeout | undefined;

  constructor(private readonly keys: IdempotencyKeysRepository) {}

  /** Validates the header and fingerprints the request; undefined when no key was sent. */
  static describe(
    username: string,
    key: string | undefined,
    method: string,
    path: string,
    body: unknown,
  ): IdempotentRequest | undefined {
    if (key === undefined) return undefined;
    if (!KEY_PATTERN.test(key)) {
      throw new InvalidInputError([
        {
          field: 'Idempotency-Key',
          message: 'must be 1 to 128 visible ASCII characters, for example a UUID',
        },
      ]);
    }
    const requestHash = createHash('sha256')
      .update(`${method.toUpperCase()} ${path}\n${canonicalJson(body)}`)
      .digest('hex');
    return { username, key, requestHash };
  }

  /**
   * The stored answer to this key, marked replayed; a different request under the same key is
   * refused. Read on the caller's connection (a request holding a pooled connection must not
   * wait for a second) with a row lock inside the caller's transaction: an undo taking the
   * answer back (forgetUnreplayed) and this replay are ordered, so an answer is never both
   * given again and taken back.
   */
  async find(
    manager: EntityManager,
    request: IdempotentRequest,
  ): Promise<StoredResponse | undefined> {
    const where = { username: request.username, key: request.key };
    // Not locked while absent: a lock on a missing key would lock the gap around it.
    const seen = await manager.findOneBy(IdempotencyKeyEntity, where);
    if (!seen) return undefined;
    const stored = await manager.findOne(IdempotencyKeyEntity, {
      where,
      lock: { mode: 'pessimistic_write' },
    });
    // Taken back between the two reads: run again, with a view that no longer has it.
    if (!stored) throw new WriteCollisionError();
    if (stored.createdAt.getTime() < Date.now() - IDEMPOTENCY_KEY_TTL_MS) {
      await manager.delete(IdempotencyKeyEntity, { ...where, createdAt: stored.createdAt });
      return undefined;
    }
    if (stored.requestHash !== request.requestHash) throw new IdempotencyKeyReusedError();
    if (typeof stored.responseBody !== 'object' || stored.responseBody === null) {
      throw new Error(`idempotency key ${request.key} holds a response body that is not an object`);
    }
    if (stored.replayedAt === null)
      await manager.update(IdempotencyKeyEntity, where, {
        replayedAt: () => 'CURRENT_TIMESTAMP(3)',
      });
    return { statusCode: stored.statusCode, body: stored.responseBody };
  }

  /**
   * Stores the answer inside the caller's transaction, so it exists exactly when the change
   * does. A concurrent request with the same key makes this insert fail on the primary key.
   */
  async save(
    manager: EntityManager,
    request: IdempotentRequest,
    response: StoredResponse,
  ): Promise<void> {
    await manager.insert(IdempotencyKeyEntity, {
      username: request.username,
      key: request.key,
      requestHash: request.requestHash,
      statusCode: response.statusCode,
      responseBody: response.body,
    });
  }

  /**
   * Removes the stored answer again, in the caller's transaction (a change taken back), unless
   * it was replayed meanwhile: a retry got that answer, so the change must stay. True when it
   * was removed.
   */
  async forgetUnreplayed(manager: EntityManager, request: IdempotentRequest): Promise<boolean> {
    const { affected } = await manager.delete(IdempotencyKeyEntity, {
      username: request.username,
      key: request.key,
      replayedAt: IsNull(),
    });
    return affected === 1;
  }

  onApplicationBootstrap(): void {
    this.purgeTimer = setInterval(() => void this.purgeExpired(), PURGE_INTERVAL_MS);
    this.purgeTimer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.purgeTimer);
  }

  /** Deletes keys older than a day, in batches so that no purge holds locks for long. */
  async purgeExpired(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - IDEMPOTENCY_KEY_TTL_MS);
    let purged = 0;
    try {
      for (;;) {
        const deleted = await this.keys.deleteCreatedBefore(cutoff, PURGE_BATCH);
        purged += deleted;
        if (deleted < PURGE_BATCH) return purged;
      }
    } catch (error) {
      this.logger.warn({ msg: 'purging expired idempotency keys failed', error });
      return purged;
    }
  }
}

/** JSON with sorted keys: the same body sent with its fields in another order is the same request. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

/**
 * The id of what a request creates: a retried request with the same key and body gets the same
 * id, so that a retry can recognise the row its first attempt's flow wrote. Formatted as an
 * RFC 9562 version 8 UUID.
 */
export function idempotentId({ username, key, requestHash }: IdempotentRequest): string {
  const hex = createHash('sha256').update(`${username}\n${key}\n${requestHash}`).digest('hex');
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
