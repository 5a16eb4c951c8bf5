import { randomUUID } from 'node:crypto';
import { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  internalFailure,
  invalidChangeBatch,
  invalidInput,
  noSuchChange,
  noSuchHostedZone,
  priorRequestNotComplete,
  Route53Error,
  throttling,
  validationError,
} from './errors';
import { Route53Operation } from './faults';
import { Logger, send } from './http';
import {
  compareNames,
  compareText,
  DomainName,
  DomainNameError,
  parseDomainName,
  reversedNameKey,
} from './names';
import { isRoute53RecordType, ROUTE53_RECORD_TYPES } from './rdata';
import { RecordSet } from './record-sets';
import { readChangeBatch, readCreateHostedZone, readUpdateHostedZoneComment } from './requests';
import {
  changeInfoXml,
  delegationSetXml,
  document,
  errorDocument,
  hostedZoneXml,
  recordSetXml,
} from './responses';
import { EmulatorState } from './state';
import { HostedZone, Submission } from './store';
import { validateChangeBatch } from './validation';
import { el } from './xml';

interface Reply {
  readonly status: number;
  readonly body: string;
  readonly headers?: Record<string, string>;
}

interface Call {
  readonly params: readonly string[];
  readonly query: URLSearchParams;
  readonly body: string;
  readonly host: string;
}

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly operation: Route53Operation;
}

const ROUTES: readonly Route[] = [
  { method: 'POST', pattern: /^\/2013-04-01\/hostedzone\/?$/, operation: 'CreateHostedZone' },
  { method: 'GET', pattern: /^\/2013-04-01\/hostedzone\/?$/, operation: 'ListHostedZones' },
  { method: 'GET', pattern: /^\/2013-04-01\/hostedzone\/([^/]+)\/?$/, operation: 'GetHostedZone' },
  {
    method: 'DELETE',
    pattern: /^\/2013-04-01\/hostedzone\/([^/]+)\/?$/,
    operation: 'DeleteHostedZone',
  },
  {
    method: 'POST',
    pattern: /^\/2013-04-01\/hostedzone\/([^/]+)\/rrset\/?$/,
    operation: 'ChangeResourceRecordSets',
  },
  {
    method: 'GET',
    pattern: /^\/2013-04-01\/hostedzone\/([^/]+)\/rrset\/?$/,
    operation: 'ListResourceRecordSets',
  },
  {
    method: 'POST',
    pattern: /^\/2013-04-01\/hostedzone\/([^/]+)\/?$/,
    operation: 'UpdateHostedZoneComment',
  },
  { method: 'GET', pattern: /^\/2013-04-01\/change\/([^/]+)\/?$/, operation: 'GetChange' },
  {
    method: 'GET',
    pattern: /^\/2013-04-01\/hostedzonelimit\/([^/]+)\/([^/]+)\/?$/,
    operation: 'GetHostedZoneLimit',
  },
  { method: 'GET', pattern: /^\/2013-04-01\/hostedzonecount\/?$/, operation: 'GetHostedZoneCount' },
  {
    method: 'GET',
    pattern: /^\/2013-04-01\/hostedzonesbyname\/?$/,
    operation: 'ListHostedZonesByName',
  },
];

const HOSTED_ZONE_LIMIT_TYPES = ['MAX_RRSETS_BY_ZONE', 'MAX_VPCS_ASSOCIATED_BY_ZONE'] as const;

/** Route 53 pages hosted zones by 100 and record sets by 300 at most. */
const MAX_ZONES_PER_PAGE = 100;
const MAX_RECORD_SETS_PER_PAGE = 300;
const MAX_ID_LENGTH = 32;

/** The REST-XML Route 53 API at /2013-04-01, as the AWS SDK and CLI call it. */
export class Route53Api {
  constructor(
    private readonly state: EmulatorState,
    private readonly log: Logger,
  ) {}

  async handle(
    method: string,
    url: URL,
    body: string,
    host: string,
    res: ServerResponse,
  ): Promise<void> {
    const requestId = randomUUID();
    let reply: Reply;
    try {
      reply = await this.dispatch(method, url, body, host);
    } catch (error) {
      const failure = error instanceof Route53Error ? error : internalFailure();
      if (!(error instanceof Route53Error)) this.log(`internal error: ${String(error)}`);
      reply = { status: failure.status, body: errorDocument(failure, requestId) };
    }
    send(res, reply.status, 'text/xml', reply.body, {
      'x-amzn-requestid': requestId,
      ...reply.headers,
    });
  }

  private async dispatch(method: string, url: URL, body: string, host: string): Promise<Reply> {
    const found = matchRoute(method, url.pathname);
    if (!found) {
      throw new Route53Error(
        'InvalidAction',
        400,
        `The emulator does not implement ${method} ${url.pathname}`,
      );
    }
    const { route, params } = found;
    const { counters, bucket, faults } = this.state;
    counters.requests[route.operation] += 1;
    if (!bucket.tryTake()) {
      counters.throttled += 1;
      throw throttling();
    }
    const fault = faults.forRequest(route.operation);
    if (fault) {
      counters.faultsInjected += 1;
      this.log(`fault ${fault.kind} injected into ${route.operation}`);
      switch (fault.kind) {
        case 'Delay':
          await sleep(fault.delayMs, undefined, { ref: false });
          break;
        case 'Throttling':
          throw throttling();
        case 'PriorRequestNotComplete':
          throw priorRequestNotComplete();
        case 'InternalFailure':
          throw internalFailure();
      }
    }
    const call: Call = { params, query: url.searchParams, body, host };
    switch (route.operation) {
      case 'CreateHostedZone':
        return this.createHostedZone(call);
      case 'GetHostedZone':
        return this.getHostedZone(call);
      case 'ListHostedZones':
        return this.listHostedZones(call);
      case 'ListHostedZonesByName':
        return this.listHostedZonesByName(call);
      case 'DeleteHostedZone':
        return this.deleteHostedZone(call);
      case 'ChangeResourceRecordSets':
        return this.changeResourceRecordSets(call);
      case 'GetChange':
        return this.getChange(call);
      case 'ListResourceRecordSets':
        return this.listResourceRecordSets(call);
      case 'GetHostedZoneLimit':
        return this.getHostedZoneLimit(call);
      case 'GetHostedZoneCount':
        return this.getHostedZoneCount();
      case 'UpdateHostedZoneComment':
        return this.updateHostedZoneComment(call);
    }
  }

  private createHostedZone(call: Call): Reply {
    const input = readCreateHostedZone(call.body);
    const name = domainName(input.name, (error) => invalidDomainName(input.name, error));
    if (name.labels.length === 0) throw invalidDomainName(input.name);
    if (this.state.store.hasCallerReference(input.callerReference)) {
      throw new Route53Error(
        'HostedZoneAlreadyExists',
        409,
        `A hosted zone has already been created with the specified caller reference: ${input.callerReference}`,
      );
    }
    const { zone, change } = this.state.store.createHostedZone(
      { name, callerReference: input.callerReference, comment: input.comment },
      this.submission('CreateHostedZone'),
    );
    this.log(`CreateHostedZone ${name.canonical} -> ${zone.id}`);
    return {
      status: 201,
      headers: { location: `http://${call.host}/2013-04-01/hostedzone/${zone.id}` },
      body: document(
        'CreateHostedZoneResponse',
        hostedZoneXml(zone),
        changeInfoXml(change),
        delegationSetXml(zone),
      ),
    };
  }

  private getHostedZone(call: Call): Reply {
    const zone = this.zone(call.params[0], 'id');
    return {
      status: 200,
      body: document('GetHostedZoneResponse', hostedZoneXml(zone), delegationSetXml(zone)),
    };
  }

  private listHostedZones(call: Call): Reply {
    const marker = call.query.get('marker') ?? undefined;
    const maxItems = readMaxItems(call.query, MAX_ZONES_PER_PAGE);
    if (call.query.has('delegationsetid')) {
      throw invalidInput('The emulator does not support reusable delegation sets');
    }
    const zoneType = call.query.get('hostedzonetype');
    if (zoneType !== null && zoneType !== 'PrivateHostedZone') {
      throw validationError(
        zoneType,
        'hostedZoneType',
        'Member must satisfy enum value set: [PrivateHostedZone]',
      );
    }
    // Every emulated zone is public, so a filter for private zones matches none.
    const zones = zoneType === null ? this.sortedById() : [];
    const start = marker === undefined ? 0 : firstIndex(zones, (z) => z.id >= marker);
    const page = zones.slice(start, start + maxItems);
    const next = zones[start + maxItems];
    return {
      status: 200,
      body: document(
        'ListHostedZonesResponse',
        el('HostedZones', page.map(hostedZoneXml)),
        marker === undefined ? undefined : el('Marker', marker),
        el('IsTruncated', next !== undefined),
        next === undefined ? undefined : el('NextMarker', next.id),
        el('MaxItems', maxItems),
      ),
    };
  }

  private listHostedZonesByName(call: Call): Reply {
    const dnsNameText = call.query.get('dnsname') ?? undefined;
    const zoneId = call.query.get('hostedzoneid') ?? undefined;
    const maxItems = readMaxItems(call.query, MAX_ZONES_PER_PAGE);
    if (zoneId !== undefined && dnsNameText === undefined) {
      throw invalidInput('The input is not valid: HostedZoneId requires DNSName');
    }
    const dnsName =
      dnsNameText === undefined
        ? undefined
        : domainName(dnsNameText, (error) => invalidDomainName(dnsNameText, error));
    const zones = this.state.store
      .listZones()
      .sort((a, b) => compareNames(a.name, b.name) || compareText(a.id, b.id));
    const startKey = dnsName && reversedNameKey(dnsName);
    const start =
      startKey === undefined
        ? 0
        : firstIndex(zones, (z) => {
            const key = reversedNameKey(z.name);
            return key > startKey || (key === startKey && z.id >= (zoneId ?? ''));
          });
    const page = zones.slice(start, start + maxItems);
    const next = zones[start + maxItems];
    return {
      status: 200,
      body: document(
        'ListHostedZonesByNameResponse',
        el('HostedZones', page.map(hostedZoneXml)),
        dnsName === undefined ? undefined : el('DNSName', dnsName.canonical),
        zoneId === undefined ? undefined : el('HostedZoneId', zoneId),
        el('IsTruncated', next !== undefined),
        next === undefined ? undefined : el('NextDNSName', next.name.canonical),
        next === undefined ? undefined : el('NextHostedZoneId', next.id),
        el('MaxItems', maxItems),
      ),
    };
  }

  private deleteHostedZone(call: Call): Reply {
    const zone = this.zone(call.params[0], 'id');
    const apex = zone.name.canonical;
    const required = (s: RecordSet) =>
      s.name.canonical === apex && (s.type === 'SOA' || s.type === 'NS');
    if (!zone.records.sorted().every(required)) {
      throw new Route53Error(
        'HostedZoneNotEmpty',
        400,
        'The specified hosted zone contains non-required resource record sets and so cannot be deleted.',
      );
    }
    const change = this.state.store.deleteHostedZone(zone.id, this.submission('DeleteHostedZone'));
    this.log(`DeleteHostedZone ${zone.id} ${apex}`);
    return { status: 200, body: document('DeleteHostedZoneResponse', changeInfoXml(change)) };
  }

  private changeResourceRecordSets(call: Call): Reply {
    const batch = readChangeBatch(call.body);
    const zone = this.zone(call.params[0], 'hostedZoneId');
    const verdict = validateChangeBatch(zone, batch.changes, this.state.maxRecordSets(zone));
    if (!verdict.ok) {
      this.log(`ChangeResourceRecordSets ${zone.id} refused: ${verdict.messages.join('; ')}`);
      throw invalidChangeBatch(verdict.messages);
    }
    const change = this.state.store.changeRecordSets(
      zone,
      verdict.edits,
      batch.comment,
      this.submission('ChangeResourceRecordSets'),
    );
    this.state.counters.changes += 1;
    this.state.counters.recordsChanged += batch.changes.length;
    const at = new Date().toISOString();
    this.state.logChanges(
      batch.changes.map((request) => ({
        at,
        // As clients see them: /hostedzone/Z… and /change/C….
        zoneId: `/hostedzone/${zone.id}`,
        changeId: `/change/${change.id}`,
        action: request.action,
        name: request.name.toLowerCase().replace(/\.$/, ''),
        type: request.type,
      })),
    );
    this.log(
      `ChangeResourceRecordSets ${zone.id} ${batch.changes.length} change(s) -> ${change.id}`,
    );
    return {
      status: 200,
      body: document('ChangeResourceRecordSetsResponse', changeInfoXml(change)),
    };
  }

  private getChange(call: Call): Reply {
    const id = checkId(call.params[0], 'id');
    const change = this.state.store.getChange(id);
    if (!change) throw noSuchChange(id);
    return { status: 200, body: document('GetChangeResponse', changeInfoXml(change)) };
  }

  private listResourceRecordSets(call: Call): Reply {
    const zone = this.zone(call.params[0], 'hostedZoneId');
    const maxItems = readMaxItems(call.query, MAX_RECORD_SETS_PER_PAGE);
    const startNameText = call.query.get('name') ?? undefined;
    const startType = call.query.get('type') ?? undefined;
    if (startType !== undefined && startNameText === undefined) {
      throw invalidInput('The input is not valid: StartRecordType requires StartRecordName');
    }
    if (startType !== undefined && !isRoute53RecordType(startType)) {
      throw validationError(
        startType,
        'startRecordType',
        `Member must satisfy enum value set: [${ROUTE53_RECORD_TYPES.join(', ')}]`,
      );
    }
    const startName =
      startNameText === undefined
        ? undefined
        : domainName(startNameText, (error) =>
            invalidInput(`The input is not valid: StartRecordName ${error.message}`),
          );
    const sets = zone.records.sorted();
    const start =
      startName === undefined
        ? 0
        : firstIndex(sets, (s) => {
            const byName = compareNames(s.name, startName);
            return byName > 0 || (byName === 0 && compareText(s.type, startType ?? '') >= 0);
          });
    const page = sets.slice(start, start + maxItems);
    const next = sets[start + maxItems];
    return {
      status: 200,
      body: document(
        'ListResourceRecordSetsResponse',
        el('ResourceRecordSets', page.map(recordSetXml)),
        el('IsTruncated', next !== undefined),
        next === undefined ? undefined : el('NextRecordName', next.name.canonical),
        next === undefined ? undefined : el('NextRecordType', next.type),
        el('MaxItems', maxItems),
      ),
    };
  }

  private getHostedZoneLimit(call: Call): Reply {
    const type = call.params[1] ?? '';
    if (!(HOSTED_ZONE_LIMIT_TYPES as readonly string[]).includes(type)) {
      throw validationError(
        type,
        'type',
        `Member must satisfy enum value set: [${HOSTED_ZONE_LIMIT_TYPES.join(', ')}]`,
      );
    }
    const zone = this.zone(call.params[0], 'hostedZoneId');
    if (type === 'MAX_VPCS_ASSOCIATED_BY_ZONE') {
      throw new Route53Error(
        'HostedZoneNotPrivate',
        400,
        'The specified hosted zone is a public hosted zone, not a private hosted zone.',
      );
    }
    return {
      status: 200,
      body: document(
        'GetHostedZoneLimitResponse',
        el('Count', zone.records.size),
        el('Limit', el('Type', type), el('Value', this.state.maxRecordSets(zone))),
      ),
    };
  }

  private getHostedZoneCount(): Reply {
    return {
      status: 200,
      body: document(
        'GetHostedZoneCountResponse',
        el('HostedZoneCount', this.state.store.listZones().length),
      ),
    };
  }

  private updateHostedZoneComment(call: Call): Reply {
    const input = readUpdateHostedZoneComment(call.body);
    const zone = this.zone(call.params[0], 'id');
    zone.comment = input.comment;
    this.log(`UpdateHostedZoneComment ${zone.id}`);
    return { status: 200, body: document('UpdateHostedZoneCommentResponse', hostedZoneXml(zone)) };
  }

  private zone(rawId: string | undefined, member: string): HostedZone {
    const id = checkId(rawId, member);
    const zone = this.state.store.findZone(id);
    if (!zone) throw noSuchHostedZone(id);
    return zone;
  }

  private submission(operation: Route53Operation): Submission {
    const stuck = this.state.faults.holdsChange(operation);
    if (stuck) {
      this.state.counters.faultsInjected += 1;
      this.log(`fault StuckPending injected into ${operation}`);
    }
    return { delayMs: this.state.config.insyncDelayMs, stuck };
  }

  private sortedById(): HostedZone[] {
    return this.state.store.listZones().sort((a, b) => compareText(a.id, b.id));
  }
}

function matchRoute(method: string, path: string): { route: Route; params: string[] } | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (!match) continue;
    try {
      return { route, params: match.slice(1).map((p) => decodeURIComponent(p)) };
    } catch {
      throw invalidInput(`The request path is not valid: ${path}`);
    }
  }
  return undefined;
}

/** Ids arrive without their `/hostedzone/` or `/change/` prefix; Route 53 caps them at 32. */
function checkId(id: string | undefined, member: string): string {
  if (id === undefined || id.length === 0) {
    throw validationError('null', member, 'Member must not be null');
  }
  if (id.length > MAX_ID_LENGTH) {
    throw validationError(
      id,
      member,
      `Member must have length less than or equal to ${MAX_ID_LENGTH}`,
    );
  }
  return id;
}

function readMaxItems(query: URLSearchParams, cap: number): number {
  const text = query.get('maxitems');
  if (text === null) return cap;
  if (!/^[0-9]{1,9}$/.test(text) || Number(text) < 1) {
    throw invalidInput(
      `The input is not valid: maxitems must be a positive integer, got '${text}'`,
    );
  }
  return Math.min(Number(text), cap);
}

function firstIndex<T>(items: readonly T[], isAtOrAfterStart: (item: T) => boolean): number {
  const index = items.findIndex(isAtOrAfterStart);
  return index < 0 ? items.length : index;
}

function domainName(text: string, refuse: (error: DomainNameError) => Route53Error): DomainName {
  try {
    return parseDomainName(text);
  } catch (error) {
    if (error instanceof DomainNameError) throw refuse(error);
    throw error;
  }
}

function invalidDomainName(input: string, cause?: DomainNameError): Route53Error {
  const detail = cause ? `: ${cause.message}` : '';
  return new Route53Error('InvalidDomainName', 400, `${input} is not a valid domain name${detail}`);
}
