export const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SOA', 'CAA', 'SRV'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export function isRecordType(value: string): value is RecordType {
  return (RECORD_TYPES as readonly string[]).includes(value);
}

/**
 * A record set as Starchart reads and writes it: `name` is fully qualified without the trailing
 * dot, lower case, with a literal `*`; `values` are as a user writes them (TXT unquoted and whole,
 * MX as "10 mail.example.com", SRV as "10 5 5060 sip.example.com", CAA as
 * `0 issue "letsencrypt.org"`).
 */
export interface RecordSet {
  name: string;
  type: RecordType;
  ttl: number;
  values: string[];
}

export type ChangeAction = 'CREATE' | 'UPSERT' | 'DELETE';

export interface RecordChange {
  action: ChangeAction;
  recordSet: RecordSet;
}

/** Route 53's change status: INSYNC once every authoritative server answers with the change. */
export type ChangeStatus = 'PENDING' | 'INSYNC';
