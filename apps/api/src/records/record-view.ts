import type { DnsRecordEntity } from '@starchart/persistence';
import type { RecordView } from './record.schemas';

export const RECORDS_PATH = '/api/v1/records';

export function renewLocation(id: string): string {
  return `${RECORDS_PATH}/${id}/renew`;
}

export function recordLocation(id: string): string {
  return `${RECORDS_PATH}/${id}`;
}

export function toRecordView(record: DnsRecordEntity): RecordView {
  return {
    id: record.id,
    username: record.username,
    name: record.name,
    fqdn: record.fqdn,
    type: record.type,
    value: record.value,
    priority: record.priority,
    weight: record.weight,
    port: record.port,
    ttl: record.ttl,
    status: record.status,
    statusReason: record.statusReason,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    expiresAt: record.expiresAt.toISOString(),
  };
}
