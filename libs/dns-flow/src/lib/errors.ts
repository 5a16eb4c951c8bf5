import { FlowError } from '@starchart/flow-runtime';

/** The record was removed from the database while its flow ran. */
export class RecordGoneError extends FlowError {
  readonly retryable = false;

  constructor(recordId: string) {
    super(`record ${recordId} no longer exists`);
  }
}

/**
 * The row is still at an older version than this flow's: its claim has not committed, or was
 * put back because Redis refused the flow. Another attempt sees the committed version.
 */
export class RecordVersionNotCommittedError extends FlowError {
  readonly retryable = true;

  constructor(flowVersion: number, currentVersion: number) {
    super(`the record is still at version ${currentVersion}; waiting for version ${flowVersion}`);
  }
}

/** A newer update or delete of the record started its own flow; this one must not write. */
export class StaleFlowError extends FlowError {
  readonly retryable = false;

  constructor(flowVersion: number, currentVersion: number) {
    super(
      `superseded: this flow is for version ${flowVersion}, the record is at version ${currentVersion}`,
    );
  }
}

/** Another record already holds this name and type. */
export class RecordConflictError extends FlowError {
  readonly retryable = false;

  constructor(fqdn: string, type: string) {
    super(`another record already uses ${fqdn} ${type}`);
  }
}

/** Route 53 refused this change as invalid (InvalidChangeBatch, InvalidInput). */
export class ChangeRejectedError extends FlowError {
  readonly retryable = false;

  constructor(reason: string, options?: ErrorOptions) {
    super(`Route 53 refused the change: ${reason}`, options);
  }
}

/**
 * The hosted zone holds as many record sets as Route 53 allows it: no retry helps until records
 * are deleted or AWS raises the zone's quota.
 */
export class HostedZoneFullError extends FlowError {
  readonly retryable = false;

  constructor(count: number, max: number, options?: ErrorOptions) {
    super(
      `The DNS zone is full: it holds ${count} record sets, as many as Route 53 allows it ` +
        `(MAX_RRSETS_BY_ZONE ${max}). Delete records, or ask an operator to raise the zone's quota.`,
      options,
    );
  }
}

/** Our credentials may not change the hosted zone: an operator has to act, retrying will not help. */
export class ZoneAccessDeniedError extends FlowError {
  readonly retryable = false;

  constructor(reason: string, options?: ErrorOptions) {
    super(`Route 53 denied access to the hosted zone: ${reason}`, options);
  }
}

/** The change stayed PENDING past the deadline. */
export class ChangeTimeoutError extends FlowError {
  readonly retryable = false;

  constructor(changeId: string, deadlineMs: number) {
    super(`Route 53 did not apply change ${changeId} within ${deadlineMs / 1000} s`);
  }
}
