import { Route53Error } from './errors';
import { RecordSet } from './record-sets';
import { ChangeInfo, HostedZone } from './store';
import { el, elWithAttributes, renderXml, XmlChild } from './xml';

/** Element names and order follow the shapes @aws-sdk/client-route-53 deserialises. */

export const ROUTE53_NAMESPACE = 'https://route53.amazonaws.com/doc/2013-04-01/';

export function document(rootName: string, ...children: XmlChild[]): string {
  return renderXml(elWithAttributes(rootName, { xmlns: ROUTE53_NAMESPACE }, ...children));
}

export function hostedZoneXml(zone: HostedZone): XmlChild {
  return el(
    'HostedZone',
    el('Id', `/hostedzone/${zone.id}`),
    el('Name', zone.name.canonical),
    el('CallerReference', zone.callerReference),
    el(
      'Config',
      zone.comment === undefined ? undefined : el('Comment', zone.comment),
      el('PrivateZone', false),
    ),
    el('ResourceRecordSetCount', zone.records.size),
  );
}

export function delegationSetXml(zone: HostedZone): XmlChild {
  return el(
    'DelegationSet',
    el(
      'NameServers',
      zone.nameServers.map((ns) => el('NameServer', ns)),
    ),
  );
}

export function changeInfoXml(change: ChangeInfo): XmlChild {
  return el(
    'ChangeInfo',
    el('Id', `/change/${change.id}`),
    el('Status', change.status),
    el('SubmittedAt', change.submittedAt.toISOString()),
    change.comment === undefined ? undefined : el('Comment', change.comment),
  );
}

export function recordSetXml(set: RecordSet): XmlChild {
  return el(
    'ResourceRecordSet',
    el('Name', set.name.canonical),
    el('Type', set.type),
    el('TTL', set.ttl),
    el(
      'ResourceRecords',
      set.values.map((value) => el('ResourceRecord', el('Value', value))),
    ),
  );
}

export function errorDocument(error: Route53Error, requestId: string): string {
  return document(
    'ErrorResponse',
    el('Error', el('Type', error.type), el('Code', error.code), el('Message', error.message)),
    el('RequestId', requestId),
  );
}
