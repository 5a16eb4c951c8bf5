import { Inject, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';

// mysql2 and Node error codes that mean "the server is not there", as opposed to a bad query.
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
]);

const RETRY_DELAY_MS = 1_000;

/** The database cannot be reached (yet); the same request can succeed once it is back. */
export class DatabaseUnavailableError extends Error {
  readonly retryable = true;

  constructor(message = 'the database is not reachable') {
    super(message);
    this.name = 'DatabaseUnavailableError';
  }
}

/** Whether `error` (from TypeORM or mysql2) says the database is unreachable, not that a query is wrong. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  // Not `instanceof Error`: socket errors may come from another realm (Node core under Jest).
  if (error === null || typeof error !== 'object') return false;
  const driverError: unknown = 'driverError' in error ? error.driverError : error;
  if (driverError === null || typeof driverError !== 'object') return false;
  const code = 'code' in driverError ? driverError.code : undefined;
  if (typeof code === 'string') return UNREACHABLE_CODES.has(code);
  // mysql2 marks a connection that died mid-use as fatal, and its later commands fail ("Can't add
  // new command when connection is in closed state") with no code; server errors always have one.
  return 'fatal' in driverError && driverError.fatal === true;
}

/**
 * Opens the DataSource after boot and keeps trying until the database answers, so that an app
 * can start (and report the outage in its health check) while the database is down.
 */
export class DatabaseConnector implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('database');
  private readonly stopped = new AbortController();
  private connecting: Promise<void> | undefined;

  constructor(@Inject(getDataSourceToken()) private readonly dataSource: DataSource) {}

  /** Waits for one attempt, so that with the database up the app starts connected, as before. */
  async onModuleInit(): Promise<void> {
    if (await this.tryToConnect(true)) return;
    this.connecting = this.retryUntilStopped();
  }

  /** Throws DatabaseUnavailableError until the first connection has been made. */
  assertConnected(): void {
    if (!this.dataSource.isInitialized) {
      throw new DatabaseUnavailableError(
        'the database has not been reachable since the app started',
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped.abort();
    await this.connecting;
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  private async retryUntilStopped(): Promise<void> {
    for (let attempt = 2; !this.stopped.signal.aborted; attempt++) {
      await sleep(RETRY_DELAY_MS, undefined, { signal: this.stopped.signal }).catch(
        () => undefined,
      );
      if (!this.stopped.signal.aborted && (await this.tryToConnect(false))) {
        this.logger.log({ msg: 'database reachable', attempts: attempt });
        return;
      }
    }
  }

  private async tryToConnect(first: boolean): Promise<boolean> {
    try {
      await this.dataSource.initialize();
      return true;
    } catch (error) {
      if (first) {
        this.logger.warn({
          msg: 'database unreachable at start; retrying in the background',
          error: error instanceof Error ? error.message : String(error),
        });
      }
      return false;
    }
  }
}
