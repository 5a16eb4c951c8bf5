import { Inject, Injectable, Logger } from '@nestjs/common';
import { TimeoutError, withTimeout } from '../common/with-timeout';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { ServiceUnavailableError } from '../problems/api-errors';

/** A change already committed to its row, whose flow is still to be added. */
export interface CommittedChange {
  /** The producer of the flow: refuses at once when Redis cannot be reached. */
  producer: { ensureConnected(): Promise<void> };
  /** Adds the flow; adding it twice adds nothing (its job ids derive from the row). */
  add(): Promise<unknown>;
  /** Takes the committed change back; runs only when Redis refused the flow. */
  undo(): Promise<unknown>;
  /** Which row, for the logs. */
  subject: Record<string, string>;
  /** What the 503 says was not done: "changed", "ordered". */
  notDone: string;
}

/** Whether Redis confirmed the flow; 'unconfirmed' means it may still land. */
export type FlowStartOutcome = 'added' | 'unconfirmed';

/**
 * The one way a committed row gets its flow, for records (create, update, delete) and
 * certificates alike. The row is committed first, so a step never finds it missing, and no row
 * lock is held while Redis is asked. Then:
 * - Redis refused, or cannot be reached: `undo` takes the change back and the caller gets a 503
 *   that says nothing was done;
 * - Redis answered too late to know: the flow may still land, so the row stays as committed (a
 *   503 would be untrue if it did) and the caller's request is accepted; the safety net starts
 *   the flow if it never arrives (the reconciler for records, CertificateResumer for
 *   certificates).
 */
@Injectable()
export class FlowStarter {
  private readonly logger = new Logger(FlowStarter.name);

  constructor(@Inject(API_CONFIG) private readonly config: ApiConfig) {}

  async start(change: CommittedChange): Promise<FlowStartOutcome> {
    try {
      // BullMQ waits for a lost connection instead of failing; a ping fails at once, so an
      // unreachable Redis is refused before any job could be queued for later.
      await change.producer.ensureConnected();
      await withTimeout(change.add(), this.config.flowStartTimeoutMs, 'adding the flow');
      return 'added';
    } catch (error) {
      if (error instanceof TimeoutError) {
        this.logger.warn({ msg: 'adding the flow was not confirmed', ...change.subject, error });
        return 'unconfirmed';
      }
      this.logger.error({ msg: 'adding the flow failed', ...change.subject, error });
      await this.undo(change);
      throw new ServiceUnavailableError(
        `The job queue cannot be reached right now, so nothing was ${change.notDone}. Try again in a few seconds.`,
      );
    }
  }

  private async undo(change: CommittedChange): Promise<void> {
    try {
      await change.undo();
    } catch (error) {
      // The database went away too: the row stays as committed, without a flow, until the
      // safety net starts its flow once the grace period is over.
      this.logger.error({ msg: 'taking back a change failed', ...change.subject, error });
    }
  }
}
