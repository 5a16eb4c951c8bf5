import { randomUUID } from 'node:crypto';
import { FaultInjector, Route53Operation, ROUTE53_OPERATIONS } from './faults';
import { DomainName } from './names';
import { HostedZone, Route53Store } from './store';
import { TokenBucket } from './throttle';

export interface EmulatorConfig {
  readonly insyncDelayMs: number;
  readonly rps: number;
  readonly burst: number;
  /** MAX_RRSETS_BY_ZONE of every zone that has no limit of its own; Route 53's default is 10,000. */
  readonly maxRecordSetsPerZone: number;
}

/** One accepted change of a record set, as the change log keeps it. */
export interface LoggedChange {
  readonly at: string;
  /** `/hostedzone/Z…`, as clients name it. */
  readonly zoneId: string;
  readonly changeId: string;
  readonly action: string;
  /** Lower case, without the trailing dot. */
  readonly name: string;
  readonly type: string;
}

/** The change log keeps this many of the latest accepted changes. */
export const CHANGE_LOG_SIZE = 10_000;

export interface Counters {
  /** Every Route 53 call received, per operation, throttled and failed ones included. */
  readonly requests: Record<Route53Operation, number>;
  /** Calls refused by the token bucket (injected Throttling faults count as faults). */
  throttled: number;
  faultsInjected: number;
  /** Accepted ChangeResourceRecordSets batches. */
  changes: number;
  /** Change elements in accepted batches. */
  recordsChanged: number;
}

/** Everything the Route 53 API, the control API and the DNS server share. */
export class EmulatorState {
  readonly store: Route53Store;
  readonly faults: FaultInjector;
  readonly bucket: TokenBucket;
  counters: Counters = emptyCounters();
  /** Accepted changes, oldest first: what tests read to prove a name was never written. */
  changeLog: LoggedChange[] = [];
  private currentConfig: EmulatorConfig;
  /** Zones made at startup come back with the same ids after a reset, so clients keep working. */
  private readonly seeded: { name: DomainName; id: string }[] = [];

  constructor(private readonly initialConfig: EmulatorConfig) {
    this.currentConfig = initialConfig;
    this.store = new Route53Store();
    this.faults = new FaultInjector();
    this.bucket = new TokenBucket(initialConfig);
  }

  get config(): EmulatorConfig {
    return this.currentConfig;
  }

  configure(patch: Partial<EmulatorConfig>): EmulatorConfig {
    const current = this.currentConfig;
    this.currentConfig = {
      insyncDelayMs: patch.insyncDelayMs ?? current.insyncDelayMs,
      rps: patch.rps ?? current.rps,
      burst: patch.burst ?? current.burst,
      maxRecordSetsPerZone: patch.maxRecordSetsPerZone ?? current.maxRecordSetsPerZone,
    };
    if (patch.rps !== undefined || patch.burst !== undefined) {
      this.bucket.reconfigure(this.currentConfig);
    }
    return this.currentConfig;
  }

  /** The zone's MAX_RRSETS_BY_ZONE: its own limit, or the emulator's default. */
  maxRecordSets(zone: HostedZone): number {
    return zone.maxRecordSets ?? this.currentConfig.maxRecordSetsPerZone;
  }

  /** The first zone with this name, or a new one that is INSYNC at once. */
  ensureZone(name: DomainName, id?: string): { zone: HostedZone; created: boolean } {
    const existing = this.store.listZones().find((z) => z.name.canonical === name.canonical);
    if (existing) return { zone: existing, created: false };
    return { zone: this.createZoneNow(name, id), created: true };
  }

  seedZone(name: DomainName, id?: string): HostedZone {
    const { zone, created } = this.ensureZone(name, id);
    if (created) this.seeded.push({ name, id: zone.id });
    return zone;
  }

  logChanges(entries: readonly LoggedChange[]): void {
    this.changeLog.push(...entries);
    if (this.changeLog.length > CHANGE_LOG_SIZE) {
      this.changeLog.splice(0, this.changeLog.length - CHANGE_LOG_SIZE);
    }
  }

  clearFaults(): void {
    this.faults.clear();
    this.store.releaseStuck();
  }

  reset(keepConfig: boolean): void {
    this.store.clear();
    this.faults.clear();
    this.counters = emptyCounters();
    this.changeLog = [];
    this.currentConfig = keepConfig ? this.currentConfig : this.initialConfig;
    this.bucket.reconfigure(this.currentConfig);
    for (const seed of this.seeded) this.createZoneNow(seed.name, seed.id);
  }

  private createZoneNow(name: DomainName, id?: string): HostedZone {
    const { zone } = this.store.createHostedZone(
      { name, callerReference: `emulator-${randomUUID()}`, id },
      { delayMs: 0, stuck: false },
    );
    return zone;
  }
}

function emptyCounters(): Counters {
  const requests = Object.fromEntries(ROUTE53_OPERATIONS.map((op) => [op, 0])) as Record<
    Route53Operation,
    number
  >;
  return { requests, throttled: 0, faultsInjected: 0, changes: 0, recordsChanged: 0 };
}
