export const ROUTE53_OPERATIONS = [
  'CreateHostedZone',
  'GetHostedZone',
  'ListHostedZones',
  'ListHostedZonesByName',
  'DeleteHostedZone',
  'ChangeResourceRecordSets',
  'GetChange',
  'ListResourceRecordSets',
  'GetHostedZoneLimit',
  'GetHostedZoneCount',
  'UpdateHostedZoneComment',
] as const;
export type Route53Operation = (typeof ROUTE53_OPERATIONS)[number];

/** The operations that submit a change, and so the only ones a StuckPending fault can hold. */
export const CHANGE_OPERATIONS: readonly Route53Operation[] = [
  'CreateHostedZone',
  'DeleteHostedZone',
  'ChangeResourceRecordSets',
];

export const FAULT_KINDS = [
  'InternalFailure',
  'Throttling',
  'PriorRequestNotComplete',
  'Delay',
  'StuckPending',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * Either the next `count` matching calls, or a `probability` of each one, until cleared, or
 * until `forMs` after the rule was added: a window of trouble, as a throttling burst is, that
 * ends on time however slowly the clients, backing off, come back.
 */
export type FaultSpec = {
  readonly operation: Route53Operation | '*';
  readonly kind: FaultKind;
  readonly delayMs?: number;
  readonly forMs?: number;
} & ({ readonly count: number } | { readonly probability: number });

/** A rule with `forMs` lists when it lapses. */
export type FaultRule = FaultSpec & { readonly id: number; readonly expiresAt?: string };

export type RequestFault =
  | { readonly kind: 'InternalFailure' | 'Throttling' | 'PriorRequestNotComplete' }
  | { readonly kind: 'Delay'; readonly delayMs: number };

export class FaultInjector {
  private rules: FaultRule[] = [];
  private nextId = 1;

  constructor(
    private readonly random: () => number = Math.random,
    private readonly now: () => number = Date.now,
  ) {}

  add(spec: FaultSpec): FaultRule {
    const rule: FaultRule = {
      ...spec,
      id: this.nextId,
      ...(spec.forMs === undefined
        ? {}
        : { expiresAt: new Date(this.now() + spec.forMs).toISOString() }),
    };
    this.nextId += 1;
    this.rules.push(rule);
    return rule;
  }

  /** The active rules; a count rule shows how many matching calls it still has to hit. */
  list(): FaultRule[] {
    this.dropLapsed();
    return [...this.rules];
  }

  clear(): void {
    this.rules = [];
  }

  /** The fault for this call, if a rule fires; the first firing rule in insertion order wins. */
  forRequest(operation: Route53Operation): RequestFault | undefined {
    const rule = this.fire(operation, (r) => r.kind !== 'StuckPending');
    switch (rule?.kind) {
      case 'Delay':
        return { kind: 'Delay', delayMs: rule.delayMs ?? 0 };
      case 'InternalFailure':
      case 'Throttling':
      case 'PriorRequestNotComplete':
        return { kind: rule.kind };
      default:
        return undefined;
    }
  }

  /** Whether the change this call submits must stay PENDING until faults are cleared. */
  holdsChange(operation: Route53Operation): boolean {
    return this.fire(operation, (r) => r.kind === 'StuckPending') !== undefined;
  }

  private fire(
    operation: Route53Operation,
    applies: (rule: FaultRule) => boolean,
  ): FaultRule | undefined {
    this.dropLapsed();
    for (const [index, rule] of this.rules.entries()) {
      if (rule.operation !== '*' && rule.operation !== operation) continue;
      if (!applies(rule)) continue;
      if ('probability' in rule) {
        if (this.random() < rule.probability) return rule;
        continue;
      }
      const remaining = rule.count - 1;
      if (remaining > 0) this.rules[index] = { ...rule, count: remaining };
      else this.rules.splice(index, 1);
      return rule;
    }
    return undefined;
  }

  /** A lapsed rule no longer fires; changes a StuckPending rule held stay held until cleared. */
  private dropLapsed(): void {
    const now = this.now();
    this.rules = this.rules.filter(
      (rule) => rule.expiresAt === undefined || Date.parse(rule.expiresAt) > now,
    );
  }
}
