import {
  Change,
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  DeleteHostedZoneCommand,
  GetChangeCommand,
  Route53Client,
  RRType,
} from '@aws-sdk/client-route-53';
import * as dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket } from 'dns-packet';
import {
  queryDns,
  rcodeOf,
  route53Client,
  sendUdp,
  sleep,
  startTestEmulator,
} from '../test/helpers';
import { RunningEmulator } from './index';
import { RCODE } from './resolver';

function upsert(name: string, type: RRType, values: readonly string[], ttl = 60): Change {
  return {
    Action: 'UPSERT',
    ResourceRecordSet: {
      Name: name,
      Type: type,
      TTL: ttl,
      ResourceRecords: values.map((Value) => ({ Value })),
    },
  };
}

function dataOf(packet: DecodedPacket, section: 'answers' | 'authorities' = 'answers'): unknown[] {
  return (packet[section] ?? []).map((a: Answer) => ('data' in a ? a.data : undefined));
}

function isAuthoritative(packet: DecodedPacket): boolean {
  return ((packet.flags ?? 0) & dnsPacket.AUTHORITATIVE_ANSWER) !== 0;
}

describe('DNS server', () => {
  let emulator: RunningEmulator;
  let client: Route53Client;
  let zoneId: string;
  const apply = (...changes: Change[]) =>
    client.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: { Changes: changes },
      }),
    );

  beforeEach(async () => {
    emulator = await startTestEmulator({ zones: ['example.com'] });
    client = route53Client(emulator);
    zoneId = emulator.zones[0]?.id ?? '';
  });

  afterEach(async () => {
    client.destroy();
    await emulator.close();
  });

  it('serves a record only once its change is INSYNC', async () => {
    emulator.state.configure({ insyncDelayMs: 250 });
    const submitted = await apply(upsert('www.example.com', 'A', ['192.0.2.10']));
    const before = await queryDns(emulator.dnsPort, 'www.example.com', 'A');
    expect(rcodeOf(before)).toBe(RCODE.NXDOMAIN);
    await sleep(300);
    const status = await client.send(new GetChangeCommand({ Id: submitted.ChangeInfo?.Id }));
    expect(status.ChangeInfo?.Status).toBe('INSYNC');
    const after = await queryDns(emulator.dnsPort, 'www.example.com', 'A');
    expect(rcodeOf(after)).toBe(RCODE.NOERROR);
    expect(dataOf(after)).toEqual(['192.0.2.10']);
  });

  it('keeps serving the previous values while an UPSERT is PENDING', async () => {
    await apply(upsert('www.example.com', 'A', ['192.0.2.1']));
    emulator.state.configure({ insyncDelayMs: 60_000 });
    await apply(upsert('www.example.com', 'A', ['192.0.2.2']));
    expect(dataOf(await queryDns(emulator.dnsPort, 'www.example.com', 'A'))).toEqual(['192.0.2.1']);
  });

  it('answers A, AAAA, MX, TXT, CAA, SRV, NS and SOA authoritatively with their TTLs', async () => {
    await apply(
      upsert('host.example.com', 'A', ['192.0.2.1', '192.0.2.2'], 120),
      upsert('host.example.com', 'AAAA', ['2001:db8::1']),
      upsert('example.com', 'MX', ['10 mail.example.com.', '20 backup.example.net']),
      upsert('example.com', 'TXT', ['"v=spf1 -all"']),
      upsert('example.com', 'CAA', ['0 issue "letsencrypt.org"']),
      upsert('_sip._tcp.example.com', 'SRV', ['10 5 5060 sip.example.com']),
    );
    const port = emulator.dnsPort;
    const a = await queryDns(port, 'host.example.com', 'A');
    expect(isAuthoritative(a)).toBe(true);
    expect(a.answers?.map((r) => ('ttl' in r ? r.ttl : undefined))).toEqual([120, 120]);
    expect(dataOf(a)).toEqual(['192.0.2.1', '192.0.2.2']);
    expect(dataOf(await queryDns(port, 'host.example.com', 'AAAA'))).toEqual(['2001:db8::1']);
    expect(dataOf(await queryDns(port, 'example.com', 'MX'))).toEqual([
      { preference: 10, exchange: 'mail.example.com' },
      { preference: 20, exchange: 'backup.example.net' },
    ]);
    expect(dataOf(await queryDns(port, 'example.com', 'TXT'))).toEqual([
      [Buffer.from('v=spf1 -all')],
    ]);
    expect(dataOf(await queryDns(port, 'example.com', 'CAA'))).toEqual([
      { flags: 0, tag: 'issue', value: 'letsencrypt.org', issuerCritical: false },
    ]);
    expect(dataOf(await queryDns(port, '_sip._tcp.example.com', 'SRV'))).toEqual([
      { priority: 10, weight: 5, port: 5060, target: 'sip.example.com' },
    ]);
    const ns = await queryDns(port, 'example.com', 'NS');
    expect(dataOf(ns)).toHaveLength(4);
    const soa = await queryDns(port, 'example.com', 'SOA');
    expect(dataOf(soa)).toEqual([
      expect.objectContaining({
        rname: 'awsdns-hostmaster.amazon.com',
        serial: 1,
        refresh: 7200,
        retry: 900,
        expire: 1209600,
        minimum: 86400,
      }),
    ]);
  });

  it('answers the CNAME when asked for another type at a CNAME name, and follows it within the zone', async () => {
    await apply(
      upsert('www.example.com', 'A', ['192.0.2.1']),
      upsert('alias.example.com', 'CNAME', ['www.example.com']),
      upsert('out.example.com', 'CNAME', ['target.example.net']),
    );
    const chased = await queryDns(emulator.dnsPort, 'alias.example.com', 'A');
    expect(chased.answers?.map((a) => `${a.name} ${a.type}`)).toEqual([
      'alias.example.com CNAME',
      'www.example.com A',
    ]);
    const external = await queryDns(emulator.dnsPort, 'out.example.com', 'TXT');
    expect(rcodeOf(external)).toBe(RCODE.NOERROR);
    expect(dataOf(external)).toEqual(['target.example.net']);
    const own = await queryDns(emulator.dnsPort, 'alias.example.com', 'CNAME');
    expect(dataOf(own)).toEqual(['www.example.com']);
  });

  it('answers NXDOMAIN with the SOA in authority for a name that does not exist', async () => {
    const reply = await queryDns(emulator.dnsPort, 'missing.example.com', 'A');
    expect(rcodeOf(reply)).toBe(RCODE.NXDOMAIN);
    expect(isAuthoritative(reply)).toBe(true);
    expect(reply.answers).toEqual([]);
    expect(reply.authorities?.map((a) => `${a.name} ${a.type} ${'ttl' in a ? a.ttl : ''}`)).toEqual(
      ['example.com SOA 900'],
    );
  });

  it('answers NODATA for an existing name without that type, and for an empty non-terminal', async () => {
    await apply(upsert('_acme-challenge.www.example.com', 'TXT', ['"token"']));
    for (const [name, type] of [
      ['_acme-challenge.www.example.com', 'A'],
      ['www.example.com', 'TXT'],
    ] as const) {
      const reply = await queryDns(emulator.dnsPort, name, type);
      expect(rcodeOf(reply)).toBe(RCODE.NOERROR);
      expect(isAuthoritative(reply)).toBe(true);
      expect(reply.answers).toEqual([]);
      expect(reply.authorities?.map((a) => a.type)).toEqual(['SOA']);
    }
  });

  it('answers REFUSED without the AA flag for names outside its zones', async () => {
    const reply = await queryDns(emulator.dnsPort, 'www.example.org', 'A');
    expect(rcodeOf(reply)).toBe(RCODE.REFUSED);
    expect(isAuthoritative(reply)).toBe(false);
  });

  it('answers matching names from a wildcard record, but not names that exist or lie below existing ones', async () => {
    await apply(
      upsert('*.example.com', 'TXT', ['"wild"']),
      upsert('*.example.com', 'A', ['192.0.2.99']),
      upsert('real.example.com', 'A', ['192.0.2.1']),
    );
    const wild = await queryDns(emulator.dnsPort, 'Anything.Example.com', 'A');
    expect(wild.answers?.map((a) => `${a.name} ${'data' in a ? String(a.data) : ''}`)).toEqual([
      'Anything.Example.com 192.0.2.99',
    ]);
    const deeper = await queryDns(emulator.dnsPort, 'a.b.example.com', 'TXT');
    expect(dataOf(deeper)).toEqual([[Buffer.from('wild')]]);
    const existing = await queryDns(emulator.dnsPort, 'real.example.com', 'TXT');
    expect(rcodeOf(existing)).toBe(RCODE.NOERROR);
    expect(existing.answers).toEqual([]);
    const belowExisting = await queryDns(emulator.dnsPort, 'x.real.example.com', 'A');
    expect(rcodeOf(belowExisting)).toBe(RCODE.NXDOMAIN);
  });

  it('serves a TXT value of several strings as one record holding exactly those strings', async () => {
    const first = 'a'.repeat(255);
    const second = 'b'.repeat(45);
    await apply(
      upsert('_acme-challenge.example.com', 'TXT', [
        `"${first}" "${second}"`,
        '"with \\"quotes\\" and \\\\"',
      ]),
    );
    const reply = await queryDns(emulator.dnsPort, '_acme-challenge.example.com', 'TXT');
    expect(dataOf(reply)).toEqual([
      [Buffer.from(first), Buffer.from(second)],
      [Buffer.from('with "quotes" and \\')],
    ]);
  });

  it('answers over TCP and with EDNS, echoing the id and an OPT record', async () => {
    await apply(upsert('_acme-challenge.example.com', 'TXT', ['"dns-01-token"']));
    const viaTcp = await queryDns(emulator.dnsPort, '_acme-challenge.example.com', 'TXT', {
      tcp: true,
      id: 4242,
    });
    expect(viaTcp.id).toBe(4242);
    expect(dataOf(viaTcp)).toEqual([[Buffer.from('dns-01-token')]]);
    const withEdns = await queryDns(emulator.dnsPort, '_acme-challenge.example.com', 'TXT', {
      edns: 4096,
    });
    expect(dataOf(withEdns)).toEqual([[Buffer.from('dns-01-token')]]);
    expect(withEdns.additionals?.map((a) => a.type)).toEqual(['OPT']);
  });

  it('sets TC when a UDP answer does not fit, and answers in full over TCP', async () => {
    const values = Array.from(
      { length: 40 },
      (_, i) => `"${String(i).padStart(2, '0')}${'z'.repeat(60)}"`,
    );
    await apply(upsert('big.example.com', 'TXT', values));
    const udp = await queryDns(emulator.dnsPort, 'big.example.com', 'TXT');
    expect((udp.flags ?? 0) & dnsPacket.TRUNCATED_RESPONSE).toBeTruthy();
    expect(udp.answers).toEqual([]);
    const tcp = await queryDns(emulator.dnsPort, 'big.example.com', 'TXT', { tcp: true });
    expect(tcp.answers).toHaveLength(40);
  });

  it('refers names at or below a delegation to its name servers, with glue', async () => {
    await apply(
      upsert('sub.example.com', 'NS', ['ns1.sub.example.com', 'ns.elsewhere.net']),
      upsert('ns1.sub.example.com', 'A', ['192.0.2.53']),
    );
    const reply = await queryDns(emulator.dnsPort, 'www.sub.example.com', 'A');
    expect(rcodeOf(reply)).toBe(RCODE.NOERROR);
    expect(isAuthoritative(reply)).toBe(false);
    expect(reply.answers).toEqual([]);
    expect(dataOf(reply, 'authorities')).toEqual(['ns1.sub.example.com', 'ns.elsewhere.net']);
    expect(reply.additionals?.map((a) => `${a.name} ${'data' in a ? String(a.data) : ''}`)).toEqual(
      ['ns1.sub.example.com 192.0.2.53'],
    );
  });

  it('serves the most specific zone, and a zone only from its creation until its deletion is INSYNC', async () => {
    const created = await client.send(
      new CreateHostedZoneCommand({ Name: 'sub.example.com', CallerReference: 'sub' }),
    );
    const subId = created.HostedZone?.Id;
    const soa = await queryDns(emulator.dnsPort, 'sub.example.com', 'SOA');
    expect(soa.answers?.map((a) => a.name)).toEqual(['sub.example.com']);
    emulator.state.configure({ insyncDelayMs: 200 });
    await client.send(new DeleteHostedZoneCommand({ Id: subId }));
    expect(rcodeOf(await queryDns(emulator.dnsPort, 'sub.example.com', 'SOA'))).toBe(RCODE.NOERROR);
    await sleep(250);
    const after = await queryDns(emulator.dnsPort, 'sub.example.com', 'SOA');
    expect(rcodeOf(after)).toBe(RCODE.NXDOMAIN);
    expect(after.authorities?.map((a) => a.name)).toEqual(['example.com']);
  });

  it('answers FORMERR to a query without a question and NOTIMP to other opcodes', async () => {
    const noQuestion = await sendUdp(
      emulator.dnsPort,
      dnsPacket.encode({ type: 'query', id: 7, questions: [] }),
    );
    expect(rcodeOf(noQuestion)).toBe(RCODE.FORMERR);
    const notify = await sendUdp(
      emulator.dnsPort,
      dnsPacket.encode({
        type: 'query',
        id: 8,
        flags: 4 << 11,
        questions: [{ type: 'SOA', name: 'example.com' }],
      }),
    );
    expect(rcodeOf(notify)).toBe(RCODE.NOTIMP);
  });
});
