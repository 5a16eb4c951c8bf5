import {
  ChangeResourceRecordSetsCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
  type RRType,
} from '@aws-sdk/client-route-53';
import { testStack } from '@starchart/testing';
import * as dnsPacket from 'dns-packet';
import { createSocket } from 'node:dgram';

const NXDOMAIN = 3;

export interface DnsAnswer {
  rcode: 'NOERROR' | 'NXDOMAIN' | `RCODE${number}`;
  /** The answers' data as text: an address, a host name, or TXT strings joined. */
  data: string[];
}

/** Asks the emulator's authoritative DNS server over UDP, as a resolver would. */
export async function queryDns(
  name: string,
  type: 'A' | 'AAAA' | 'CNAME' | 'MX' | 'TXT',
): Promise<DnsAnswer> {
  const { dnsPort } = testStack().emulator;
  const id = Math.floor(Math.random() * 65_535);
  const query = dnsPacket.encode({ type: 'query', id, questions: [{ type, name }] });
  const socket = createSocket('udp4');
  try {
    const reply = await new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no DNS answer for ${name} ${type}`)), 2_000);
      socket.on('message', (message) => {
        clearTimeout(timer);
        resolve(message);
      });
      socket.send(query, dnsPort, '127.0.0.1');
    });
    const packet = dnsPacket.decode(reply);
    const code = (packet.flags ?? 0) & 0x0f;
    return {
      rcode: code === 0 ? 'NOERROR' : code === NXDOMAIN ? 'NXDOMAIN' : `RCODE${code}`,
      data: (packet.answers ?? []).filter((answer) => answer.type === type).map(answerText),
    };
  } finally {
    socket.close();
  }
}

function answerText(answer: dnsPacket.Answer): string {
  switch (answer.type) {
    case 'MX':
      return `${answer.data.preference} ${answer.data.exchange}`;
    case 'TXT': {
      const strings = Array.isArray(answer.data) ? answer.data : [answer.data];
      return strings.map((part) => part.toString()).join('');
    }
    default:
      return 'data' in answer ? String(answer.data) : '';
  }
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
