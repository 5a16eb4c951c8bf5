import { DomainName, DomainNameError, isInZone, parseDomainName } from './names';
import { RecordType, RecordValueError } from './rdata';
import { recordSet, RecordSet, RecordSetEdit, RecordSetReader } from './record-sets';

export type ChangeAction = 'CREATE' | 'DELETE' | 'UPSERT';

/** One Change element, already checked for shape (enums, TTL, lengths) by the request reader. */
export interface ChangeRequest {
  readonly action: ChangeAction;
  readonly name: string;
  readonly type: RecordType;
  readonly ttl: number;
  readonly values: readonly string[];
}

export type BatchVerdict =
  | { readonly ok: true; readonly edits: RecordSetEdit[] }
  | { readonly ok: false; readonly messages: string[] };

/** Route 53's per-request limits; an UPSERT counts twice towards both. */
export const MAX_RECORDS_PER_REQUEST = 1000;
export const MAX_VALUE_CHARACTERS_PER_REQUEST = 32000;

/**
 * Checks a change batch the way Route 53 does: against the zone as it would be after the
 * earlier changes of the same batch, collecting every problem, applying nothing unless all pass.
 */
export function validateChangeBatch(
  zone: {
    readonly id: string;
    readonly name: DomainName;
    readonly records: RecordSetReader & { readonly size: number };
  },
  changes: readonly ChangeRequest[],
  maxRecordSets: number,
): BatchVerdict {
  const limitMessages = checkLimits(changes);
  if (limitMessages.length > 0) return { ok: false, messages: limitMessages };

  const overlay = new Overlay(zone.records);
  const messages: string[] = [];
  const edits: RecordSetEdit[] = [];
  const actionsByKey = new Map<string, ChangeAction[]>();
  let added = 0;

  for (const change of changes) {
    const outcome = checkChange(zone.name, overlay, change, actionsByKey);
    if (typeof outcome === 'string') {
      messages.push(outcome);
      continue;
    }
    const existed = overlay.get(outcome.name.canonical, outcome.type) !== undefined;
    added += (outcome.next ? 1 : 0) - (existed ? 1 : 0);
    overlay.set(outcome.name, outcome.type, outcome.next);
    edits.push(outcome);
  }
  if (messages.length > 0) return { ok: false, messages };
  // A batch that adds no record set passes even in a zone over its quota (one lowered since),
  // so that a full zone can always be emptied.
  if (added > 0 && zone.records.size + added > maxRecordSets) {
    return {
      ok: false,
      messages: [quotaExceeded(zone.id, zone.records.size, added, maxRecordSets)],
    };
  }
  return { ok: true, edits };
}

/**
 * AWS documents the error (InvalidChangeBatch, 400) and the quota (MAX_RRSETS_BY_ZONE, counted as
 * GetHostedZoneLimit's Count, the apex SOA and NS included) but not the message's wording.
 */
function quotaExceeded(zoneId: string, count: number, added: number, max: number): string {
  return (
    `The change batch would exceed the quota of ${max} resource record sets (MAX_RRSETS_BY_ZONE) ` +
    `in hosted zone ${zoneId}: it holds ${count} and the batch adds ${added}`
  );
}

function checkLimits(changes: readonly ChangeRequest[]): string[] {
  let records = 0;
  let characters = 0;
  for (const change of changes) {
    const weight = change.action === 'UPSERT' ? 2 : 1;
    records += change.values.length * weight;
    characters += change.values.reduce((sum, v) => sum + v.length, 0) * weight;
  }
  const messages: string[] = [];
  if (records > MAX_RECORDS_PER_REQUEST) {
    messages.push(`Number of records limit of ${MAX_RECORDS_PER_REQUEST} exceeded.`);
  }
  if (characters > MAX_VALUE_CHARACTERS_PER_REQUEST) {
    messages.push(`Number of characters limit of ${MAX_VALUE_CHARACTERS_PER_REQUEST} exceeded.`);
  }
  return messages;
}

/** The edit this change makes, or the message Route 53 would give for it. */
function checkChange(
  apex: DomainName,
  overlay: Overlay,
  change: ChangeRequest,
  actionsByKey: Map<string, ChangeAction[]>,
): RecordSetEdit | string {
  let name: DomainName;
  try {
    name = parseDomainName(change.name);
  } catch (error) {
    if (error instanceof DomainNameError) return `FATAL problem: ${error.message}`;
    throw error;
  }
  const zone = apex.canonical;
  const label = `[name='${name.canonical}', type='${change.type}']`;
  if (!isInZone(name, apex)) {
    return `RRSet with DNS name ${name.canonical} is not permitted in zone ${zone}`;
  }

  let next: RecordSet;
  try {
    next = recordSet(name, change.type, change.ttl, change.values);
  } catch (error) {
    if (error instanceof RecordValueError) return `Invalid Resource Record: '${error.message}'`;
    throw error;
  }
  const duplicate = change.values.find((v, i) => change.values.indexOf(v) !== i);
  if (duplicate !== undefined) return `Duplicate Resource Record: '${duplicate}'`;
  if ((change.type === 'CNAME' || change.type === 'SOA') && change.values.length > 1) {
    return `RRSet of type ${change.type} with DNS name ${name.canonical} may contain only one value`;
  }

  // Route 53 lets a batch DELETE a record set and then CREATE it anew; any other repeat is refused.
  const key = `${change.type} ${name.canonical}`;
  const earlier = actionsByKey.get(key) ?? [];
  actionsByKey.set(key, [...earlier, change.action]);
  const replaces = earlier.length === 1 && earlier[0] === 'DELETE' && change.action === 'CREATE';
  if (earlier.length > 0 && !replaces) {
    return `The request contains an invalid set of changes for a resource record set '${key}'`;
  }

  const isApex = name.canonical === zone;
  const current = overlay.get(name.canonical, change.type);
  if (change.action === 'DELETE') {
    if (!current) return `Tried to delete resource record set ${label} but it was not found`;
    if (!sameContent(current, change)) {
      return `Tried to delete resource record set ${label} but the values provided do not match the current values`;
    }
    if (isApex && change.type === 'SOA') return 'A HostedZone must contain exactly one SOA record.';
    if (isApex && change.type === 'NS') {
      return 'A HostedZone must contain at least one NS record for the zone itself.';
    }
    return { name, type: change.type, next: undefined };
  }

  if (change.action === 'CREATE' && current) {
    return `Tried to create resource record set ${label} but it already exists`;
  }
  if (change.type === 'CNAME' && isApex) {
    return `RRSet of type CNAME with DNS name ${name.canonical} is not permitted at apex in zone ${zone}`;
  }
  if (change.type === 'SOA' && !isApex) {
    return `RRSet of type SOA with DNS name ${name.canonical} is not permitted except at apex in zone ${zone}`;
  }
  const others = overlay.at(name.canonical).filter((s) => s.type !== change.type);
  if (change.type === 'CNAME' && others.length > 0) {
    return `RRSet of type CNAME with DNS name ${name.canonical} is not permitted as it conflicts with other records with the same DNS name in zone ${zone}`;
  }
  if (others.some((s) => s.type === 'CNAME')) {
    return `RRSet of type ${change.type} with DNS name ${name.canonical} is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone ${zone}`;
  }
  return { name, type: change.type, next };
}

/** A DELETE must repeat the TTL and every value; Route 53 does not care about value order. */
function sameContent(current: RecordSet, change: ChangeRequest): boolean {
  if (current.ttl !== change.ttl || current.values.length !== change.values.length) return false;
  const a = [...current.values].sort();
  const b = [...change.values].sort();
  return a.every((v, i) => v === b[i]);
}

/** The zone as the batch so far would leave it, without touching the zone itself. */
class Overlay implements RecordSetReader {
  private readonly edits = new Map<string, Map<RecordType, RecordSet | undefined>>();

  constructor(private readonly base: RecordSetReader) {}

  get(name: string, type: RecordType): RecordSet | undefined {
    const edited = this.edits.get(name);
    return edited?.has(type) ? edited.get(type) : this.base.get(name, type);
  }

  at(name: string): RecordSet[] {
    const edited = this.edits.get(name);
    if (!edited) return this.base.at(name);
    const byType = new Map(this.base.at(name).map((s) => [s.type, s]));
    for (const [type, set] of edited) {
      if (set) byType.set(type, set);
      else byType.delete(type);
    }
    return [...byType.values()];
  }

  set(name: DomainName, type: RecordType, next: RecordSet | undefined): void {
    const edited = this.edits.get(name.canonical) ?? new Map<RecordType, RecordSet | undefined>();
    edited.set(type, next);
    this.edits.set(name.canonical, edited);
  }
}
