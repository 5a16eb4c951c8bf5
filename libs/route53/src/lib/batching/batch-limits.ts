import { encodeValues } from '../codecs/resource-record-set';
import { recordSetKey } from '../codecs/record-name';
import type { RecordChange } from '../record-set';

export interface BatchLimits {
  maxResourceRecords: number;
  maxValueCharacters: number;
}

/** Route 53's limits for one ChangeResourceRecordSets request. */
export const ROUTE53_BATCH_LIMITS: BatchLimits = {
  maxResourceRecords: 1_000,
  maxValueCharacters: 32_000,
};

export interface ChangeCost {
  resourceRecords: number;
  valueCharacters: number;
}

/** What a change counts against the limits; Route 53 counts an UPSERT twice (a delete and a create). */
export function changeCost(change: RecordChange): ChangeCost {
  const factor = change.action === 'UPSERT' ? 2 : 1;
  const values = encodeValues(change.recordSet);
  return {
    resourceRecords: values.length * factor,
    valueCharacters: values.reduce((sum, value) => sum + value.length, 0) * factor,
  };
}

/**
 * Chooses the next batch from a queue, oldest first, within `limits`. The oldest entry always goes,
 * even alone over the limits, so that Route 53 refuses it with its own reason. An entry whose name
 * and type is already in the batch, or was passed over, waits: Route 53 refuses a batch that
 * changes one record set twice, and changes to one record set must land in order.
 */
export function planBatch<T>(
  queue: readonly T[],
  changeOf: (entry: T) => RecordChange,
  limits: BatchLimits = ROUTE53_BATCH_LIMITS,
): T[] {
  const batch: T[] = [];
  const heldKeys = new Set<string>();
  let resourceRecords = 0;
  let valueCharacters = 0;
  for (const entry of queue) {
    if (resourceRecords >= limits.maxResourceRecords) break;
    const change = changeOf(entry);
    const key = recordSetKey(change.recordSet.name, change.recordSet.type);
    if (heldKeys.has(key)) continue;
    heldKeys.add(key);
    const cost = changeCost(change);
    const fits =
      resourceRecords + cost.resourceRecords <= limits.maxResourceRecords &&
      valueCharacters + cost.valueCharacters <= limits.maxValueCharacters;
    if (!fits && batch.length > 0) continue;
    batch.push(entry);
    resourceRecords += cost.resourceRecords;
    valueCharacters += cost.valueCharacters;
  }
  return batch;
}
