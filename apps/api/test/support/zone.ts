import {
  ChangeResourceRecordSetsCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
  type RRType,
} from '@aws-sdk/client-route-53';
import { lookupDns, testStack, type DnsAnswer } from '@starchart/testing';

export type { DnsAnswer };

/** Asks the emulator's authoritative DNS server over UDP, as a resolver would. */
export function queryDns(
  name: string,
  type: 'A' | 'AAAA' | 'CAA' | 'CNAME' | 'MX' | 'SRV' | 'TXT',
): Promise<DnsAnswer> {
  return lookupDns(testStack().emulator.dnsPort, name, type);
}

function route53(): Route53Client {
  return new Route53Client({
    endpoint: testStack().emulator.apiUrl,
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
  const { zoneId } = testStack().emulator;
  const client = route53();
  const names: string[] = [];
  try {
    let start: { name?: string | undefined; type?: RRType | undefined } = {};
    for (;;) {
      const page = await client.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          ...(start.name !== undefined && { StartRecordName: start.name }),
          ...(start.type !== undefined && { StartRecordType: start.type }),
        }),
      );
      for (const set of page.ResourceRecordSets ?? []) {
        const name = (set.Name ?? '').replace(/\.$/, '');
        if (name === suffix || name.endsWith(`.${suffix}`)) names.push(`${name} ${set.Type}`);
      }
      if (!page.IsTruncated) return names;
      start = { name: page.NextRecordName, type: page.NextRecordType };
    }
  } finally {
    client.destroy();
  }
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
