import type { Job } from 'bullmq';
import type { z } from 'zod';
import { childJobKey, flowJobIds } from '../flow';
import type { DnsRecordJobData } from '../job-data';
import type { DnsQueueName } from '../queues';

export type ChildOutcome<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * How a child of this job ended: its return value, or the reason it failed for good (recorded
 * in the parent because children run with ignoreDependencyOnFailure).
 */
export async function readChildOutcome<T>(
  job: Job,
  data: DnsRecordJobData,
  child: DnsQueueName,
  schema: z.ZodType<T>,
): Promise<ChildOutcome<T>> {
  const key = childJobKey(job.prefix, child, flowJobIds(data)[child]);
  const reason = (await job.getIgnoredChildrenFailures())[key];
  if (reason !== undefined) return { ok: false, reason };
  const parsed = schema.safeParse((await job.getChildrenValues())[key]);
  if (parsed.success) return { ok: true, value: parsed.data };
  // Only when someone removed the child by hand; the record must still end in a final status.
  return { ok: false, reason: `the ${child} step ended without a result` };
}
