import type { Change, ResourceRecordSet } from '@aws-sdk/client-route-53';
import { isRecordType, type RecordChange, type RecordSet } from '../record-set';
import { encodeRecordName, normalizeRecordName } from './record-name';
import { decodeTxtValue, encodeTxtValue } from './txt-value';

export function toResourceRecordSet(recordSet: RecordSet): ResourceRecordSet {
  return {
    Name: encodeRecordName(recordSet.name),
    Type: recordSet.type,
    TTL: recordSet.ttl,
    ResourceRecords: encodeValues(recordSet).map((Value) => ({ Value })),
  };
}

/** The values exactly as they travel to Route 53, which is what its size limits count. */
export function encodeValues(recordSet: RecordSet): string[] {
  return recordSet.type === 'TXT' ? recordSet.values.map(encodeTxtValue) : recordSet.values;
}

export function toChange(change: RecordChange): Change {
  return { Action: change.action, ResourceRecordSet: toResourceRecordSet(change.recordSet) };
}

/**
 * Undefined for what Starchart never writes and cannot represent: alias records, routing-policy
 * sets and types outside `RecordType`.
 */
export function fromResourceRecordSet(set: ResourceRecordSet): RecordSet | undefined {
  const { Name, Type, TTL, ResourceRecords, AliasTarget, SetIdentifier } = set;
  if (Name === undefined || Type === undefined || !isRecordType(Type)) return undefined;
  if (TTL === undefined || AliasTarget !== undefined || SetIdentifier !== undefined)
    return undefined;
  const values = (ResourceRecords ?? []).flatMap(({ Value }) =>
    Value === undefined ? [] : [Value],
  );
  return {
    name: normalizeRecordName(Name),
    type: Type,
    ttl: TTL,
    values: Type === 'TXT' ? values.map(decodeTxtValue) : values,
  };
}
