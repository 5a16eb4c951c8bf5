import { Injectable, Logger } from '@nestjs/common';
import { type AdminAction, AdminAuditLogRepository } from '@starchart/persistence';
import { ApiError } from '../problems/api-errors';
import type { AdminActor } from './admin-access';

/** What an action is about: the person, and the record when there is one. */
export interface AuditTarget {
  username: string | null;
  recordId?: string;
}

/** What an action returns, and what its audit entry says about it. */
export interface AuditedResult<T> {
  result: T;
  detail: string | null;
  /** The person acted on, when only the action found out (the owner of a record). */
  targetUsername?: string;
}

/**
 * Runs an admin action and appends one audit entry for it, succeeded or failed. Refused requests
 * (bad body, not an admin) never reach an action, so they change nothing, the log included.
 */
@Injectable()
export class AdminAudit {
  private readonly logger = new Logger(AdminAudit.name);

  constructor(private readonly log: AdminAuditLogRepository) {}

  async run<T>(
    actor: AdminActor,
    action: AdminAction,
    target: AuditTarget,
    work: () => Promise<AuditedResult<T>>,
  ): Promise<T> {
    let outcome: AuditedResult<T>;
    try {
      outcome = await work();
    } catch (error) {
      // The caller learns why the action failed; a log that cannot be written is logged.
      await this.append(actor, action, target, 'failed', failureDetail(error)).catch(
        () => undefined,
      );
      throw error;
    }
    const found = { ...target, username: target.username ?? outcome.targetUsername ?? null };
    await this.append(actor, action, found, 'succeeded', outcome.detail);
    return outcome.result;
  }

  private async append(
    actor: AdminActor,
    action: AdminAction,
    target: AuditTarget,
    outcome: 'succeeded' | 'failed',
    detail: string | null,
  ): Promise<void> {
    try {
      await this.log.append({
        actor: actor.username,
        action,
        targetUsername: target.username,
        targetRecordId: target.recordId ?? null,
        requestId: actor.requestId,
        outcome,
        detail,
      });
    } catch (error) {
      // The action is done (or failed) either way: this line is its trace then.
      this.logger.error({
        msg: 'writing the admin audit entry failed',
        action,
        outcome,
        actor: actor.username,
        target,
        requestId: actor.requestId,
        error,
      });
      throw error;
    }
  }
}

function failureDetail(error: unknown): string {
  return error instanceof ApiError ? `${error.kind}: ${error.detail}` : 'internal error';
}
