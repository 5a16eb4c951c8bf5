import { compareNames, compareText, DomainName, namesUpTo } from './names';
import { parseRecordValue, RecordData, RecordType } from './rdata';

export interface RecordSet {
  readonly name: DomainName;
  readonly type: RecordType;
  readonly ttl: number;
  /** The values as they were submitted, which is how Route 53 lists them. */
  readonly values: readonly string[];
  readonly data: readonly RecordData[];
}

/** Builds a record set, parsing every value; throws RecordValueError for a value Route 53 refuses. */
export function recordSet(
  name: DomainName,
  type: RecordType,
  ttl: number,
  values: readonly string[],
): RecordSet {
  return { name, type, ttl, values, data: values.map((v) => parseRecordValue(type, v)) };
}

/** Read access to the record sets of one zone; the batch validator layers its edits over it. */
export interface RecordSetReader {
  get(name: string, type: RecordType): RecordSet | undefined;
  /** The record sets owned by exactly this name. */
  at(name: string): RecordSet[];
}

/**
 * The record sets of one hosted zone. It also counts, for every name from an owner up to the
 * apex, how many owners lie at or below it, so that empty non-terminals are known to exist.
 */
export class RecordSets implements RecordSetReader {
  private readonly byName = new Map<string, Map<RecordType, RecordSet>>();
  private readonly ownersBelow = new Map<string, number>();
  private count = 0;

  constructor(readonly apex: DomainName) {}

  /** Every record set, the apex SOA and NS included: Route 53's ResourceRecordSetCount. */
  get size(): number {
    return this.count;
  }

  get(name: string, type: RecordType): RecordSet | undefined {
    return this.byName.get(name)?.get(type);
  }

  at(name: string): RecordSet[] {
    return [...(this.byName.get(name)?.values() ?? [])];
  }

  /** True when the name owns records or has descendants that do (an empty non-terminal). */
  exists(name: string): boolean {
    return (this.ownersBelow.get(name) ?? 0) > 0;
  }

  put(set: RecordSet): void {
    const key = set.name.canonical;
    let types = this.byName.get(key);
    if (!types) {
      types = new Map();
      this.byName.set(key, types);
      this.countOwner(set.name, 1);
    }
    if (!types.has(set.type)) this.count += 1;
    types.set(set.type, set);
  }

  remove(name: DomainName, type: RecordType): void {
    const types = this.byName.get(name.canonical);
    if (!types?.delete(type)) return;
    this.count -= 1;
    if (types.size === 0) {
      this.byName.delete(name.canonical);
      this.countOwner(name, -1);
    }
  }

  /** Every record set in Route 53's listing order: reversed-label name, then type. */
  sorted(): RecordSet[] {
    const all: RecordSet[] = [];
    for (const types of this.byName.values()) all.push(...types.values());
    return all.sort(compareRecordSets);
  }

  clone(): RecordSets {
    const copy = new RecordSets(this.apex);
    for (const types of this.byName.values()) {
      for (const set of types.values()) copy.put(set);
    }
    return copy;
  }

  private countOwner(name: DomainName, delta: number): void {
    for (const ancestor of namesUpTo(name, this.apex)) {
      const next = (this.ownersBelow.get(ancestor.canonical) ?? 0) + delta;
      if (next === 0) this.ownersBelow.delete(ancestor.canonical);
      else this.ownersBelow.set(ancestor.canonical, next);
    }
  }
}

export function compareRecordSets(a: RecordSet, b: RecordSet): number {
  return compareNames(a.name, b.name) || compareText(a.type, b.type);
}

/** The effect of one accepted change on one record set: its new content, or none. */
export interface RecordSetEdit {
  readonly name: DomainName;
  readonly type: RecordType;
  readonly next: RecordSet | undefined;
}

export function applyEdits(target: RecordSets, edits: readonly RecordSetEdit[]): void {
  for (const edit of edits) {
    if (edit.next) target.put(edit.next);
    else target.remove(edit.name, edit.type);
  }
}
