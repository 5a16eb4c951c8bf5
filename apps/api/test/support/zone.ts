import {
  ChangeResourceRecordSetsCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
  type ResourceRecordSet,
  type RRType,
} from '@aws-sdk/client-route-53';
import { lookupDns, testStack, type DnsAnswer, type TestStack } from '@starchart/testing';

export type { DnsAnswer };

/** Asks the emulator's authoritative DNS server over UDP, as a resolver would. */
export function queryDns(
  name: string,
  type: 'A' | 'AAAA' | 'CAA' | 'CNAME' | 'MX' | 'SRV' | 'TXT',
): Promise<DnsAnswer> {
  return lookupDns(testStack().emulator.dnsPort, name, type);
}

function route53(emulator: TestStack['emulator'] = testStack().emulator): Route53Client {
  return new Route53Client({
    endpoint: emulator.apiUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
}

/** Writes (or removes) a TXT record set behind the api's back, as another tool sharing the zone would. */
export async function changeTxtDirectly(
  action: 'CREATE' | 'UPSERT' | 'DELETE',
  fqdn: string,
  text: string,
): Promise<void> {
  const client = route53();
  try {
    await client.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: testStack().emulator.zoneId,
        ChangeBatch: {
          Changes: [
            {
              Action: action,
              ResourceRecordSet: {
                Name: fqdn,
                Type: 'TXT',
                TTL: 60,
                ResourceRecords: [{ Value: `"${text}"` }],
              },
            },
          ],
        },
      }),
    );
  } finally {
    client.destroy();
  }
}

/** Names of the record sets in the hosted zone that end in `suffix` (no trailing dot). */
export async function zoneNamesUnder(suffix: string): Promise<string[]> {
  const names: string[] = [];
  for (const set of await recordSets(testStack().emulator)) {
    const name = (set.Name ?? '').replace(/\.$/, '');
    if (name === suffix || name.endsWith(`.${suffix}`)) names.push(`${name} ${set.Type}`);
  }
  return names;
}

/** The emulator's log of accepted changes at exactly `name`: `"UPSERT TXT"`, oldest first. */
export async function changesLoggedAt(name: string): Promise<string[]> {
  const response = await fetch(`${testStack().emulator.apiUrl}/_emulator/changes`);
  if (!response.ok) throw new Error(`emulator GET /_emulator/changes: ${response.status}`);
  const { changes } = (await response.json()) as {
    changes: { action: string; name: string; type: string }[];
  };
  return changes.filter((change) => change.name === name).map((c) => `${c.action} ${c.type}`);
}

/**
 * Every value in the hosted zone but its SOA and NS, as `<name> <type> <value>`, sorted: what a
 * test compares with the database.
 */
export async function zoneSets(
  emulator: TestStack['emulator'] = testStack().emulator,
  timeoutMs?: number,
): Promise<string[]> {
  const sets: string[] = [];
  for (const set of await recordSets(emulator, timeoutMs)) {
    if (set.Type === 'SOA' || set.Type === 'NS') continue;
    const name = (set.Name ?? '').replace(/\.$/, '');
    for (const value of set.ResourceRecords ?? []) sets.push(`${name} ${set.Type} ${value.Value}`);
  }
  return sets.sort();
}

/** Every record set of the hosted zone, page after page; each page has `timeoutMs` when given. */
async function recordSets(
  emulator: TestStack['emulator'],
  timeoutMs?: number,
): Promise<ResourceRecordSet[]> {
  const client = route53(emulator);
  const sets: ResourceRecordSet[] = [];
  try {
    let start: { name?: string | undefined; type?: RRType | undefined } = {};
    for (;;) {
      const page = await client.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: emulator.zoneId,
          ...(start.name !== undefined && { StartRecordName: start.name }),
          ...(start.type !== undefined && { StartRecordType: start.type }),
        }),
        timeoutMs === undefined ? {} : { abortSignal: AbortSignal.timeout(timeoutMs) },
      );
      sets.push(...(page.ResourceRecordSets ?? []));
      if (!page.IsTruncated) return sets;
      start = { name: page.NextRecordName, type: page.NextRecordType };
    }
  } finally {
    client.destroy();
  }
}
