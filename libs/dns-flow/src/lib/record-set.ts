import type { RecordSet } from '@starchart/route53';
import { MalformedJobError } from '@starchart/flow-runtime';
import type { DnsRecordJobData } from './job-data';

/**
 * The Route 53 record set a job's record stands for: one value, MX as "<priority> <host>",
 * SRV as "<priority> <weight> <port> <target>".
 */
export function toRecordSet(job: DnsRecordJobData): RecordSet {
  const set = { name: job.fqdn, type: job.type, ttl: job.ttl };
  switch (job.type) {
    case 'MX':
      if (job.priority === null) {
        throw new MalformedJobError(`MX record ${job.recordId} has no priority`);
      }
      return { ...set, values: [`${job.priority} ${job.value}`] };
    case 'SRV':
      if (job.priority === null || job.weight === null || job.port === null) {
        throw new MalformedJobError(`SRV record ${job.recordId} lacks priority, weight or port`);
      }
      return { ...set, values: [`${job.priority} ${job.weight} ${job.port} ${job.value}`] };
    default:
      return { ...set, values: [job.value] };
  }
}
