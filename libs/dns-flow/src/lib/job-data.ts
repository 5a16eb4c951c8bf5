import { DNS_RECORD_TYPES, type DnsRecordEntity } from '@starchart/persistence';
import { z } from 'zod';

export const FLOW_OPS = ['create', 'update', 'delete'] as const;
export type FlowOp = (typeof FLOW_OPS)[number];

/** The record as the api accepted it, copied into every job of its flow. */
const recordSnapshot = {
  recordId: z.string().min(1),
  version: z.number().int().positive(),
  username: z.string().min(1),
  name: z.string().min(1),
  fqdn: z.string().min(1),
  type: z.enum(DNS_RECORD_TYPES),
  value: z.string(),
  priority: z.number().int().nonnegative().nullable(),
  // Absent in jobs queued before SRV records existed.
  weight: z.number().int().nonnegative().nullable().default(null),
  port: z.number().int().nonnegative().nullable().default(null),
  ttl: z.number().int().nonnegative(),
};

/**
 * The payload of every job of a DNS record flow, shared by producer and processors. Parsed at
 * the processor's door, so a job written by another release of the code fails loudly.
 */
export const dnsRecordJobDataSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('create'), ...recordSnapshot }),
  z.object({ op: z.literal('update'), ...recordSnapshot }),
  z.object({ op: z.literal('delete'), ...recordSnapshot }),
]);
export type DnsRecordJobData = z.infer<typeof dnsRecordJobDataSchema>;

export function toJobData(op: FlowOp, record: DnsRecordEntity): DnsRecordJobData {
  return {
    op,
    recordId: record.id,
    version: record.version,
    username: record.username,
    name: record.name,
    fqdn: record.fqdn,
    type: record.type,
    value: record.value,
    priority: record.priority,
    weight: record.weight,
    port: record.port,
    ttl: record.ttl,
  };
}

/** add-db-record: whether the row was there already or had to be written from the job. */
export interface AddDbRecordResult {
  row: 'confirmed' | 'inserted';
}

/** create-dns-record: the change to wait for; null when there was nothing to change (a DELETE of a set already gone). */
export const createDnsRecordResultSchema = z.object({
  changeId: z.string().nullable(),
  submittedAt: z.number(),
});
export type CreateDnsRecordResult = z.infer<typeof createDnsRecordResultSchema>;

/** check-dns-status: the change reached INSYNC. */
export const checkDnsStatusResultSchema = z.object({ changeId: z.string().nullable() });
export type CheckDnsStatusResult = z.infer<typeof checkDnsStatusResultSchema>;

/** sync-db-status: what the flow left in the database. */
export interface SyncDbStatusResult {
  outcome: 'active' | 'error' | 'deleted' | 'superseded' | 'gone';
  reason: string | null;
}
