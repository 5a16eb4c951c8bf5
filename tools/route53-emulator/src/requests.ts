import { invalidInput, Route53Error, validationError } from './errors';
import { isRoute53RecordType, isSupportedRecordType, ROUTE53_RECORD_TYPES } from './rdata';
import { ChangeAction, ChangeRequest } from './validation';
import { childrenNamed, parseXml, XmlElement, XmlParseError } from './xml';

/**
 * Reads Route 53 request bodies into typed values, refusing what Route 53's schema would refuse
 * with InvalidInput, and what this emulator does not model with InvalidInput naming the feature.
 */

export interface CreateHostedZoneInput {
  readonly name: string;
  readonly callerReference: string;
  readonly comment: string | undefined;
}

export interface UpdateHostedZoneCommentInput {
  /** Absent: Route 53 removes the zone's comment. */
  readonly comment: string | undefined;
}

export interface ChangeBatchInput {
  readonly comment: string | undefined;
  readonly changes: readonly ChangeRequest[];
}

const ACTIONS: readonly ChangeAction[] = ['CREATE', 'DELETE', 'UPSERT'];
/** Routing policies, alias records and the like, which this emulator does not model. */
const UNSUPPORTED_RECORD_SET_ELEMENTS = [
  'SetIdentifier',
  'Weight',
  'Region',
  'GeoLocation',
  'Failover',
  'MultiValueAnswer',
  'AliasTarget',
  'HealthCheckId',
  'TrafficPolicyInstanceId',
  'CidrRoutingConfig',
  'GeoProximityLocation',
];
const MAX_TTL = 2147483647;
const MAX_VALUE_LENGTH = 4000;
const MAX_NAME_LENGTH = 1024;

export function readCreateHostedZone(body: string): CreateHostedZoneInput {
  const root = readRoot(body, 'CreateHostedZoneRequest');
  expectOnly(root, ['Name', 'CallerReference', 'HostedZoneConfig'], ['VPC', 'DelegationSetId']);
  const name = requiredText(root, 'Name', 'name');
  const callerReference = requiredText(root, 'CallerReference', 'callerReference');
  checkLength(name, 'name', 1, MAX_NAME_LENGTH);
  checkLength(callerReference, 'callerReference', 1, 128);
  const config = single(root, 'HostedZoneConfig');
  let comment: string | undefined;
  if (config) {
    expectOnly(config, ['Comment', 'PrivateZone'], []);
    comment = single(config, 'Comment')?.text;
    if (comment !== undefined) checkLength(comment, 'hostedZoneConfig.comment', 0, 256);
    const privateZone = single(config, 'PrivateZone')?.text.trim();
    if (privateZone === 'true') {
      throw invalidInput('The emulator supports public hosted zones only (PrivateZone is true)');
    }
    if (privateZone !== undefined && privateZone !== 'false') {
      throw invalidInput(`Invalid XML ; '${privateZone}' is not a valid value for PrivateZone`);
    }
  }
  return { name, callerReference, comment };
}

export function readUpdateHostedZoneComment(body: string): UpdateHostedZoneCommentInput {
  // The SDK sends no body at all when the request has no Comment.
  if (body.trim() === '') return { comment: undefined };
  const root = readRoot(body, 'UpdateHostedZoneCommentRequest');
  expectOnly(root, ['Comment'], []);
  const comment = single(root, 'Comment')?.text;
  if (comment !== undefined) checkLength(comment, 'comment', 0, 256);
  return { comment };
}

export function readChangeBatch(body: string): ChangeBatchInput {
  const root = readRoot(body, 'ChangeResourceRecordSetsRequest');
  expectOnly(root, ['ChangeBatch'], []);
  const batch = single(root, 'ChangeBatch');
  if (!batch) throw missing('changeBatch');
  expectOnly(batch, ['Comment', 'Changes'], []);
  const comment = single(batch, 'Comment')?.text;
  if (comment !== undefined) checkLength(comment, 'changeBatch.comment', 0, 256);
  const changesElement = single(batch, 'Changes');
  if (!changesElement) throw missing('changeBatch.changes');
  expectOnly(changesElement, ['Change'], []);
  const changes = childrenNamed(changesElement, 'Change').map((c, i) => readChange(c, i + 1));
  if (changes.length === 0) {
    throw validationError(
      '[]',
      'changeBatch.changes',
      'Member must have length greater than or equal to 1',
    );
  }
  return { comment, changes };
}

function readChange(change: XmlElement, index: number): ChangeRequest {
  const path = `changeBatch.changes.${index}.member`;
  expectOnly(change, ['Action', 'ResourceRecordSet'], []);
  const action = requiredText(change, 'Action', `${path}.action`);
  if (!isAction(action)) {
    // Route 53 checks the body against its XML schema before its own validation layer.
    throw invalidInput(
      `Invalid XML ; cvc-enumeration-valid: Value '${action}' is not facet-valid with respect to ` +
        `enumeration '[${ACTIONS.join(', ')}]'. It must be a value from the enumeration.`,
    );
  }
  const set = single(change, 'ResourceRecordSet');
  if (!set) throw missing(`${path}.resourceRecordSet`);
  expectOnly(set, ['Name', 'Type', 'TTL', 'ResourceRecords'], UNSUPPORTED_RECORD_SET_ELEMENTS);
  const name = requiredText(set, 'Name', `${path}.resourceRecordSet.name`);
  checkLength(name, `${path}.resourceRecordSet.name`, 1, MAX_NAME_LENGTH);
  const type = requiredText(set, 'Type', `${path}.resourceRecordSet.type`);
  if (!isRoute53RecordType(type)) {
    throw validationError(
      type,
      `${path}.resourceRecordSet.type`,
      `Member must satisfy enum value set: [${ROUTE53_RECORD_TYPES.join(', ')}]`,
    );
  }
  if (!isSupportedRecordType(type)) {
    throw invalidInput(`The emulator does not support record sets of type ${type}`);
  }
  const ttlText = single(set, 'TTL')?.text.trim();
  const records = single(set, 'ResourceRecords');
  if (ttlText === undefined || records === undefined) {
    throw invalidInput(
      'Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], ' +
        `or TrafficPolicyInstanceId], but found none in Change with [Action=${action}, Name=${name}, ` +
        `Type=${type}, SetIdentifier=null]`,
    );
  }
  if (!/^[0-9]{1,10}$/.test(ttlText) || Number(ttlText) > MAX_TTL) {
    throw validationError(
      ttlText,
      `${path}.resourceRecordSet.TTL`,
      `Member must have value between 0 and ${MAX_TTL}`,
    );
  }
  expectOnly(records, ['ResourceRecord'], []);
  const values = childrenNamed(records, 'ResourceRecord').map((record, i) => {
    const valuePath = `${path}.resourceRecordSet.resourceRecords.${i + 1}.member.value`;
    expectOnly(record, ['Value'], []);
    const value = requiredText(record, 'Value', valuePath);
    checkLength(value, valuePath, 1, MAX_VALUE_LENGTH);
    return value;
  });
  if (values.length === 0) {
    throw validationError(
      '[]',
      `${path}.resourceRecordSet.resourceRecords`,
      'Member must have length greater than or equal to 1',
    );
  }
  return { action, name, type, ttl: Number(ttlText), values };
}

function isAction(value: string): value is ChangeAction {
  return (ACTIONS as readonly string[]).includes(value);
}

function readRoot(body: string, expected: string): XmlElement {
  let root: XmlElement;
  try {
    root = parseXml(body);
  } catch (error) {
    if (error instanceof XmlParseError) throw invalidInput(`Invalid XML ; ${error.message}`);
    throw error;
  }
  if (root.localName !== expected) {
    throw invalidInput(`Invalid XML ; expected ${expected} but found ${root.localName}`);
  }
  return root;
}

/** Refuses elements Route 53's schema does not allow here, and allowed ones given twice. */
function expectOnly(
  parent: XmlElement,
  allowed: readonly string[],
  unsupported: readonly string[],
): void {
  const seen = new Set<string>();
  for (const child of parent.children) {
    const name = child.localName;
    if (unsupported.includes(name)) {
      throw invalidInput(`The emulator does not support ${name} in ${parent.localName}`);
    }
    if (!allowed.includes(name)) {
      throw invalidInput(`Invalid XML ; unexpected element ${name} in ${parent.localName}`);
    }
    const repeatable = name === 'Change' || name === 'ResourceRecord';
    if (seen.has(name) && !repeatable) {
      throw invalidInput(`Invalid XML ; ${name} appears more than once in ${parent.localName}`);
    }
    seen.add(name);
  }
}

function single(parent: XmlElement, localName: string): XmlElement | undefined {
  return childrenNamed(parent, localName)[0];
}

function requiredText(parent: XmlElement, localName: string, path: string): string {
  const element = single(parent, localName);
  if (!element) throw missing(path);
  return element.text;
}

function missing(path: string): Route53Error {
  return validationError('null', path, 'Member must not be null');
}

function checkLength(value: string, path: string, min: number, max: number): void {
  if (value.length < min) {
    throw validationError(value, path, `Member must have length greater than or equal to ${min}`);
  }
  if (value.length > max) {
    throw validationError(value, path, `Member must have length less than or equal to ${max}`);
  }
}
