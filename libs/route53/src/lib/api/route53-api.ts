import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  GetHostedZoneLimitCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  type Route53Client,
  type RRType,
} from '@aws-sdk/client-route-53';
import { performance } from 'node:perf_hooks';
import { toChange } from '../codecs/resource-record-set';
import { Route53Error, Route53ThrottledError, toRoute53Error } from '../errors';
import type { SharedRateLimiter } from '../rate-limit/shared-rate-limiter';
import type { ChangeStatus, RecordChange } from '../record-set';
import { UNOBSERVED, type Route53Observer, type Route53Operation } from '../route53-observer';
import { withRetries, type RetryPolicy } from './retry-policy';

/** Where a listing starts or continues: Route 53 pages by name, type and set identifier. */
export interface RecordSetCursor {
  name: string;
  type: RRType;
  identifier?: string;
}

/** GetHostedZoneLimit for MAX_RRSETS_BY_ZONE: the zone's record sets, SOA and NS included. */
export interface RecordSetLimit {
  count: number;
  max: number;
}

export interface RecordSetPage {
  recordSets: ResourceRecordSet[];
  next?: RecordSetCursor;
}

/**
 * The Route 53 calls Starchart makes, each one taking a token from the shared rate limit before
 * every attempt and retried by the same policy.
 */
export class Route53Api {
  constructor(
    private readonly client: Route53Client,
    private readonly limiter: SharedRateLimiter,
    private readonly hostedZoneId: string,
    private readonly retryPolicy: RetryPolicy,
    private readonly observer: Route53Observer = UNOBSERVED,
  ) {}

  /** Submits the changes as one atomic batch; the bare change id and its status as answered. */
  async changeResourceRecordSets(
    changes: readonly RecordChange[],
  ): Promise<{ changeId: string; status: ChangeStatus }> {
    this.observer.batchSent(changes.length);
    const output = await this.call('ChangeResourceRecordSets', () =>
      this.client.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: this.hostedZoneId,
          ChangeBatch: { Changes: changes.map(toChange) },
        }),
      ),
    );
    return {
      changeId: bareId(required(output.ChangeInfo?.Id, 'ChangeInfo.Id')),
      status: required(output.ChangeInfo?.Status, 'ChangeInfo.Status'),
    };
  }

  async getChange(changeId: string): Promise<ChangeStatus> {
    const output = await this.call('GetChange', () =>
      this.client.send(new GetChangeCommand({ Id: changeId })),
    );
    return required(output.ChangeInfo?.Status, 'ChangeInfo.Status');
  }

  async listResourceRecordSets(from?: RecordSetCursor, maxItems?: number): Promise<RecordSetPage> {
    const output = await this.call('ListResourceRecordSets', () =>
      this.client.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: this.hostedZoneId,
          StartRecordName: from?.name,
          StartRecordType: from?.type,
          StartRecordIdentifier: from?.identifier,
          MaxItems: maxItems,
        }),
      ),
    );
    const recordSets = output.ResourceRecordSets ?? [];
    if (!output.IsTruncated) return { recordSets };
    return {
      recordSets,
      next: {
        name: required(output.NextRecordName, 'NextRecordName'),
        type: required(output.NextRecordType, 'NextRecordType'),
        identifier: output.NextRecordIdentifier,
      },
    };
  }

  /** The zone's name as Route 53 writes it, with the trailing dot. */
  async getHostedZoneName(): Promise<string> {
    const output = await this.call('GetHostedZone', () =>
      this.client.send(new GetHostedZoneCommand({ Id: this.hostedZoneId })),
    );
    return required(output.HostedZone?.Name, 'HostedZone.Name');
  }

  /** How many record sets the zone holds and may hold (MAX_RRSETS_BY_ZONE). */
  async getRecordSetLimit(): Promise<RecordSetLimit> {
    const output = await this.call('GetHostedZoneLimit', () =>
      this.client.send(
        new GetHostedZoneLimitCommand({
          HostedZoneId: this.hostedZoneId,
          Type: 'MAX_RRSETS_BY_ZONE',
        }),
      ),
    );
    return {
      count: required(output.Count, 'Count'),
      max: required(output.Limit?.Value, 'Limit.Value'),
    };
  }

  private call<T>(operation: Route53Operation, send: () => Promise<T>): Promise<T> {
    return withRetries(this.retryPolicy, async () => {
      const queued = performance.now();
      await this.limiter.acquire();
      const sent = performance.now();
      this.observer.rateLimitWaited((sent - queued) / 1000);
      try {
        const output = await send();
        this.observer.called(operation, 'ok', (performance.now() - sent) / 1000);
        return output;
      } catch (error) {
        const outcome =
          toRoute53Error(error) instanceof Route53ThrottledError ? 'throttled' : 'error';
        this.observer.called(operation, outcome, (performance.now() - sent) / 1000);
        throw error;
      }
    });
  }
}

/** Route 53 prefixes ids with their kind ('/change/C123'); the SDK accepts both forms. */
export function bareId(id: string): string {
  return id.replace(/^\/(hostedzone|change)\//, '');
}

function required<T>(value: T | undefined, field: string): T {
  if (value === undefined) {
    throw new Route53Error(`Route 53 answered without ${field}`, 'MalformedResponse', false);
  }
  return value;
}
