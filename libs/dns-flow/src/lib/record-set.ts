import type { RecordSet } from '@starchart/route53';
import { MalformedJobError } from '@starchart/flow-runtime';
import type { DnsRecordJobData } from './job-data';

/** The Route 53 record set a job's record stands for: one value, MX as "<priority> <host>". */
export function toRecordSet(job: DnsRecordJobData): RecordSet {
  if (job.type !== 'MX') {
    return { name: job.fqdn, type: job.type, ttl: job.ttl, values: [job.value] };
  }
  if (job.priority === null) {
    throw new MalformedJobError(`MX record ${job.recordId} has no priority`);
  }
  return { name: job.fqdn, type: job.type, ttl: job.ttl, values: [`${job.priority} ${job.value}`] };
}
