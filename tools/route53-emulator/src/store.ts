import { randomInt } from 'node:crypto';
import { DomainName } from './names';
import { applyEdits, recordSet, RecordSet, RecordSetEdit, RecordSets } from './record-sets';

export interface HostedZone {
  /** Without the `/hostedzone/` prefix, as the SDK sends it in paths. */
  readonly id: string;
  readonly name: DomainName;
  readonly callerReference: string;
  /** UpdateHostedZoneComment replaces it. */
  comment: string | undefined;
  /** This zone's own MAX_RRSETS_BY_ZONE (Route 53 raises it per zone); unset: the default. */
  maxRecordSets: number | undefined;
  /** Without trailing dots, as Route 53 lists them in a DelegationSet. */
  readonly nameServers: readonly string[];
  /** The state as of the latest accepted change, which is what the API lists. */
  readonly records: RecordSets;
}

export type ChangeStatus = 'PENDING' | 'INSYNC';

export interface ChangeInfo {
  /** Without the `/change/` prefix. */
  readonly id: string;
  readonly status: ChangeStatus;
  readonly submittedAt: Date;
  readonly comment: string | undefined;
}

/** A zone as the DNS servers see it: only changes that have reached INSYNC. */
export interface PublishedZone {
  readonly id: string;
  readonly name: DomainName;
  readonly records: RecordSets;
}

export interface Submission {
  /** How long after submission the change reaches INSYNC. */
  readonly delayMs: number;
  /** Stays PENDING, and holds back the zone's later changes, until released. */
  readonly stuck: boolean;
}

interface Change {
  readonly id: string;
  readonly zoneId: string;
  readonly submittedAt: Date;
  readonly comment: string | undefined;
  readonly insyncAt: number;
  stuck: boolean;
  status: ChangeStatus;
  readonly publish: () => void;
}

/** Route 53 gives a new zone's apex these TTLs: 900 s for the SOA, two days for the NS. */
const SOA_TTL = 900;
const NS_TTL = 172800;
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const ID_LENGTH = 20;

/**
 * Hosted zones, their record sets and their changes. Changes reach INSYNC lazily: every read
 * first settles the queues, in submission order per zone, so no timers need stopping.
 */
export class Route53Store {
  private readonly zones = new Map<string, HostedZone>();
  private readonly published = new Map<string, PublishedZone>();
  private readonly changes = new Map<string, Change>();
  private readonly queues = new Map<string, Change[]>();
  /** Route 53 refuses a CallerReference that was ever used, even after the zone is deleted. */
  private readonly callerReferences = new Set<string>();

  constructor(private readonly clock: () => number = Date.now) {}

  createHostedZone(
    input: { name: DomainName; callerReference: string; comment?: string; id?: string },
    submission: Submission,
  ): { zone: HostedZone; change: ChangeInfo } {
    const nameServers = delegationNameServers();
    const records = new RecordSets(input.name);
    for (const set of apexRecordSets(input.name, nameServers)) records.put(set);
    const zone: HostedZone = {
      id: input.id ?? randomId('Z'),
      name: input.name,
      callerReference: input.callerReference,
      comment: input.comment,
      maxRecordSets: undefined,
      nameServers,
      records,
    };
    this.zones.set(zone.id, zone);
    this.callerReferences.add(input.callerReference);
    const snapshot = records.clone();
    const change = this.submit(zone.id, input.comment, submission, () => {
      this.published.set(zone.id, { id: zone.id, name: zone.name, records: snapshot });
    });
    return { zone, change };
  }

  hasCallerReference(callerReference: string): boolean {
    return this.callerReferences.has(callerReference);
  }

  findZone(id: string): HostedZone | undefined {
    return this.zones.get(id);
  }

  /** In creation order. */
  listZones(): HostedZone[] {
    return [...this.zones.values()];
  }

  deleteHostedZone(id: string, submission: Submission): ChangeInfo {
    this.zones.delete(id);
    return this.submit(id, undefined, submission, () => {
      this.published.delete(id);
    });
  }

  changeRecordSets(
    zone: HostedZone,
    edits: readonly RecordSetEdit[],
    comment: string | undefined,
    submission: Submission,
  ): ChangeInfo {
    applyEdits(zone.records, edits);
    return this.submit(zone.id, comment, submission, () => {
      const target = this.published.get(zone.id);
      if (target) applyEdits(target.records, edits);
    });
  }

  getChange(id: string): ChangeInfo | undefined {
    this.settle();
    const change = this.changes.get(id);
    return change && toInfo(change);
  }

  publishedZones(): PublishedZone[] {
    this.settle();
    return [...this.published.values()];
  }

  /** Lets changes held by a StuckPending fault propagate. */
  releaseStuck(): void {
    for (const queue of this.queues.values()) {
      for (const change of queue) change.stuck = false;
    }
  }

  clear(): void {
    this.zones.clear();
    this.published.clear();
    this.changes.clear();
    this.queues.clear();
    this.callerReferences.clear();
  }

  private submit(
    zoneId: string,
    comment: string | undefined,
    submission: Submission,
    publish: () => void,
  ): ChangeInfo {
    const now = this.clock();
    const change: Change = {
      id: randomId('C'),
      zoneId,
      submittedAt: new Date(now),
      comment,
      insyncAt: now + submission.delayMs,
      stuck: submission.stuck,
      status: 'PENDING',
      publish,
    };
    this.changes.set(change.id, change);
    const queue = this.queues.get(zoneId) ?? [];
    queue.push(change);
    this.queues.set(zoneId, queue);
    this.settle();
    return toInfo(change);
  }

  private settle(): void {
    const now = this.clock();
    for (const [zoneId, queue] of this.queues) {
      while (queue.length > 0) {
        const head = queue[0];
        if (!head || head.stuck || head.insyncAt > now) break;
        head.publish();
        head.status = 'INSYNC';
        queue.shift();
      }
      if (queue.length === 0) this.queues.delete(zoneId);
    }
  }
}

function toInfo(change: Change): ChangeInfo {
  return {
    id: change.id,
    status: change.status,
    submittedAt: change.submittedAt,
    comment: change.comment,
  };
}

function randomId(prefix: string): string {
  let id = prefix;
  for (let i = 0; i < ID_LENGTH; i += 1) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

/** Four servers in Route 53's style, one per top-level domain it spreads zones over. */
function delegationNameServers(): string[] {
  return ['com', 'net', 'org', 'co.uk'].map((tld, i) => {
    const server = i * 512 + randomInt(512);
    const group = String(randomInt(64)).padStart(2, '0');
    return `ns-${server}.awsdns-${group}.${tld}`;
  });
}

function apexRecordSets(apex: DomainName, nameServers: readonly string[]): RecordSet[] {
  const nsValues = nameServers.map((ns) => `${ns}.`);
  const soaValue = `${nsValues[0]} awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400`;
  return [recordSet(apex, 'SOA', SOA_TTL, [soaValue]), recordSet(apex, 'NS', NS_TTL, nsValues)];
}
