import * as dnsPacket from 'dns-packet';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { CaaLookupError } from '../errors';
import { dnsCaaLookup } from './caa-dns';

const RCODES = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

type Answer = { rcode: keyof typeof RCODES; caa?: { flags: number; tag: string; value: string }[] };

/** A UDP DNS server answering CAA questions from a table; any other name gets NXDOMAIN. */
async function dnsServer(
  table: Record<string, Answer>,
): Promise<{ address: string; socket: Socket }> {
  const socket = createSocket('udp4');
  socket.on('message', (message, peer) => {
    const query = dnsPacket.decode(message);
    const question = query.questions?.[0];
    const answer = table[question?.name.toLowerCase() ?? ''] ?? { rcode: 'NXDOMAIN' };
    const reply = dnsPacket.encode({
      type: 'response',
      id: query.id ?? 0,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | RCODES[answer.rcode],
      questions: query.questions ?? [],
      answers: (answer.caa ?? []).map((data) => ({
        type: 'CAA' as const,
        name: question?.name ?? '',
        ttl: 0,
        data: {
          ...data,
          // dns-packet's types know only RFC 8659's three tags; its encoder writes any tag.
          tag: data.tag as dnsPacket.CaaData['tag'],
          issuerCritical: (data.flags & 128) !== 0,
        },
      })),
    });
    socket.send(reply, peer.port, peer.address);
  });
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  return { address: `127.0.0.1:${(socket.address() as AddressInfo).port}`, socket };
}

describe('reading CAA over DNS', () => {
  let server: { address: string; socket: Socket };

  beforeAll(async () => {
    server = await dnsServer({
      'alice.zone.test': {
        rcode: 'NOERROR',
        caa: [
          { flags: 0, tag: 'issue', value: 'letsencrypt.org' },
          { flags: 128, tag: 'tbs', value: 'x' },
        ],
      },
      'broken.zone.test': { rcode: 'SERVFAIL' },
      'zone.test': { rcode: 'NOERROR' },
      test: { rcode: 'REFUSED' },
    });
  });

  afterAll(() => server.socket.close());

  const lookup = () =>
    dnsCaaLookup({
      zone: 'zone.test',
      zoneServers: [server.address],
      aboveServers: [server.address],
    });

  it('gives each record its flags, tag and value, critical unknown tags included', async () => {
    await expect(lookup()('alice.zone.test')).resolves.toEqual([
      { flags: 0, tag: 'issue', value: 'letsencrypt.org' },
      { flags: 128, tag: 'tbs', value: 'x' },
    ]);
  });

  it('reads NXDOMAIN and NODATA as no CAA', async () => {
    await expect(lookup()('nobody.zone.test')).resolves.toEqual([]);
    await expect(lookup()('zone.test')).resolves.toEqual([]);
  });

  it('reads a refusal above the zone as no CAA: the server is not authoritative there', async () => {
    await expect(lookup()('test')).resolves.toEqual([]);
  });

  it('fails retryably when CAA cannot be read, as a CA would not issue then', async () => {
    const failure = lookup()('broken.zone.test');
    await expect(failure).rejects.toBeInstanceOf(CaaLookupError);
    await expect(failure).rejects.toMatchObject({
      retryable: true,
      message: expect.stringContaining('could not read CAA at broken.zone.test'),
    });
  });
});
