import {
  Change,
  ChangeAction,
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  DeleteHostedZoneCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  GetHostedZoneCountCommand,
  GetHostedZoneLimitCommand,
  HostedZoneLimitType,
  ListHostedZonesByNameCommand,
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  ResourceRecordSet,
  Route53Client,
  Route53ServiceException,
  RRType,
  UpdateHostedZoneCommentCommand,
} from '@aws-sdk/client-route-53';
import { control, route53Client, serviceError, sleep, startTestEmulator } from '../test/helpers';
import { RunningEmulator } from './index';

function rrset(
  action: ChangeAction,
  name: string,
  type: RRType,
  ttl: number,
  values: readonly string[],
): Change {
  return {
    Action: action,
    ResourceRecordSet: {
      Name: name,
      Type: type,
      TTL: ttl,
      ResourceRecords: values.map((Value) => ({ Value })),
    },
  };
}

describe('Route 53 API', () => {
  let emulator: RunningEmulator;
  let client: Route53Client;
  let zoneId: string;

  const change = (...changes: Change[]) =>
    client.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: { Changes: changes },
      }),
    );
  const list = async (): Promise<ResourceRecordSet[]> =>
    (await client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId })))
      .ResourceRecordSets ?? [];
  const userRecords = async () =>
    (await list()).filter(
      (s) => !(s.Name === 'example.com.' && (s.Type === 'SOA' || s.Type === 'NS')),
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

  describe('hosted zones', () => {
    it("creates a zone with Route 53's ids, delegation set, SOA and NS records", async () => {
      emulator.state.configure({ insyncDelayMs: 60_000 });
      const created = await client.send(
        new CreateHostedZoneCommand({
          Name: 'Starchart.Test',
          CallerReference: 'ref-1',
          HostedZoneConfig: { Comment: 'students & staff', PrivateZone: false },
        }),
      );
      expect(created.$metadata.httpStatusCode).toBe(201);
      expect(created.HostedZone?.Id).toMatch(/^\/hostedzone\/Z[A-Z0-9]{13,21}$/);
      expect(created.HostedZone).toMatchObject({
        Name: 'starchart.test.',
        CallerReference: 'ref-1',
        Config: { Comment: 'students & staff', PrivateZone: false },
        ResourceRecordSetCount: 2,
      });
      expect(created.ChangeInfo?.Id).toMatch(/^\/change\/C[A-Z0-9]+$/);
      expect(created.ChangeInfo?.Status).toBe('PENDING');
      expect(created.ChangeInfo?.SubmittedAt).toBeInstanceOf(Date);
      expect(created.Location).toMatch(/\/2013-04-01\/hostedzone\/Z[A-Z0-9]+$/);
      const nameServers = created.DelegationSet?.NameServers ?? [];
      expect(nameServers).toHaveLength(4);
      for (const ns of nameServers)
        expect(ns).toMatch(/^ns-\d{1,4}\.awsdns-\d{2}\.(com|net|org|co\.uk)$/);

      const sets = await client.send(
        new ListResourceRecordSetsCommand({ HostedZoneId: created.HostedZone?.Id }),
      );
      const [ns, soa] = sets.ResourceRecordSets ?? [];
      expect(ns).toEqual({
        Name: 'starchart.test.',
        Type: 'NS',
        TTL: 172800,
        ResourceRecords: nameServers.map((Value) => ({ Value: `${Value}.` })),
      });
      expect(soa?.Type).toBe('SOA');
      expect(soa?.TTL).toBe(900);
      expect(soa?.ResourceRecords?.[0]?.Value).toBe(
        `${nameServers[0]}. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400`,
      );
    });

    it('refuses a second CreateHostedZone with the same CallerReference', async () => {
      const input = { Name: 'a.test', CallerReference: 'same' };
      await client.send(new CreateHostedZoneCommand(input));
      const error = await serviceError(client.send(new CreateHostedZoneCommand(input)));
      expect(error.name).toBe('HostedZoneAlreadyExists');
      expect(error.$metadata.httpStatusCode).toBe(409);
    });

    it('refuses a zone name that is not a valid domain name', async () => {
      const error = await serviceError(
        client.send(new CreateHostedZoneCommand({ Name: 'a..test', CallerReference: 'bad' })),
      );
      expect(error.name).toBe('InvalidDomainName');
      expect(error.$metadata.httpStatusCode).toBe(400);
    });

    it('gets a zone by id with its record set count and name servers', async () => {
      await change(rrset('CREATE', 'www.example.com', 'A', 60, ['192.0.2.1']));
      const zone = await client.send(new GetHostedZoneCommand({ Id: zoneId }));
      expect(zone.HostedZone).toMatchObject({
        Id: zoneId,
        Name: 'example.com.',
        ResourceRecordSetCount: 3,
      });
      expect(zone.DelegationSet?.NameServers).toHaveLength(4);
    });

    it('answers NoSuchHostedZone (404) for an unknown zone id', async () => {
      const error = await serviceError(
        client.send(new GetHostedZoneCommand({ Id: 'Z0000000000000' })),
      );
      expect(error.name).toBe('NoSuchHostedZone');
      expect(error.$metadata.httpStatusCode).toBe(404);
      expect(error.message).toBe('No hosted zone found with ID: Z0000000000000');
    });

    it('pages through hosted zones with Marker and NextMarker', async () => {
      for (const name of ['b.test', 'c.test', 'd.test']) {
        await client.send(new CreateHostedZoneCommand({ Name: name, CallerReference: name }));
      }
      const first = await client.send(new ListHostedZonesCommand({ MaxItems: 3 }));
      expect(first.HostedZones).toHaveLength(3);
      expect(first.IsTruncated).toBe(true);
      expect(first.MaxItems).toBe(3);
      const second = await client.send(new ListHostedZonesCommand({ Marker: first.NextMarker }));
      expect(second.IsTruncated).toBe(false);
      const ids = [...(first.HostedZones ?? []), ...(second.HostedZones ?? [])].map((z) => z.Id);
      expect(new Set(ids).size).toBe(4);
    });

    it('lists hosted zones by name in reversed-label order from a given DNSName', async () => {
      for (const name of ['b.example.com', 'a.example.org', 'z.example.com']) {
        await client.send(new CreateHostedZoneCommand({ Name: name, CallerReference: name }));
      }
      const all = await client.send(new ListHostedZonesByNameCommand({}));
      expect(all.HostedZones?.map((z) => z.Name)).toEqual([
        'example.com.',
        'b.example.com.',
        'z.example.com.',
        'a.example.org.',
      ]);
      const page = await client.send(
        new ListHostedZonesByNameCommand({ DNSName: 'b.example.com', MaxItems: 2 }),
      );
      expect(page.HostedZones?.map((z) => z.Name)).toEqual(['b.example.com.', 'z.example.com.']);
      expect(page.IsTruncated).toBe(true);
      expect(page.NextDNSName).toBe('a.example.org.');
      expect(page.NextHostedZoneId).toMatch(/^Z[A-Z0-9]+$/);
    });

    it('refuses to delete a zone holding records other than its apex SOA and NS', async () => {
      await change(rrset('CREATE', 'www.example.com', 'A', 60, ['192.0.2.1']));
      const error = await serviceError(client.send(new DeleteHostedZoneCommand({ Id: zoneId })));
      expect(error.name).toBe('HostedZoneNotEmpty');
      expect(error.$metadata.httpStatusCode).toBe(400);

      await change(rrset('DELETE', 'www.example.com', 'A', 60, ['192.0.2.1']));
      const deleted = await client.send(new DeleteHostedZoneCommand({ Id: zoneId }));
      expect(deleted.ChangeInfo?.Id).toMatch(/^\/change\/C/);
      const gone = await serviceError(client.send(new GetHostedZoneCommand({ Id: zoneId })));
      expect(gone.name).toBe('NoSuchHostedZone');
    });
  });

  describe('ChangeResourceRecordSets', () => {
    it('lists names lower-cased, fully qualified and escaped, in reversed-label order', async () => {
      await change(
        rrset('CREATE', 'WWW.Example.com', 'A', 60, ['192.0.2.1']),
        rrset('CREATE', '*.example.com', 'TXT', 60, ['"wild"']),
        rrset('CREATE', 'a.x.example.com.', 'A', 60, ['192.0.2.2']),
        rrset('CREATE', 'a-b.example.com', 'A', 60, ['192.0.2.3']),
        rrset('CREATE', 'www.example.com', 'AAAA', 60, ['2001:db8::1']),
        rrset('CREATE', 'odd\\100name.example.com', 'A', 60, ['192.0.2.4']),
      );
      const names = (await list()).map((s) => `${s.Name} ${s.Type}`);
      expect(names).toEqual([
        'example.com. NS',
        'example.com. SOA',
        '\\052.example.com. TXT',
        'a-b.example.com. A',
        'odd\\100name.example.com. A',
        'www.example.com. A',
        'www.example.com. AAAA',
        'a.x.example.com. A',
      ]);
    });

    it('refuses a CREATE of a record set that already exists', async () => {
      await change(rrset('CREATE', 'www.example.com', 'A', 60, ['192.0.2.1']));
      const error = await serviceError(
        change(rrset('CREATE', 'www.example.com', 'A', 300, ['192.0.2.9'])),
      );
      expect(error.name).toBe('InvalidChangeBatch');
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(error.message).toBe(
        "[Tried to create resource record set [name='www.example.com.', type='A'] but it already exists]",
      );
    });

    it('refuses a DELETE of a record set that does not exist', async () => {
      const error = await serviceError(
        change(rrset('DELETE', 'nope.example.com', 'TXT', 60, ['"x"'])),
      );
      expect(error.message).toBe(
        "[Tried to delete resource record set [name='nope.example.com.', type='TXT'] but it was not found]",
      );
    });

    it('refuses a DELETE whose TTL or values differ from the current ones', async () => {
      await change(rrset('CREATE', 'www.example.com', 'A', 60, ['192.0.2.1', '192.0.2.2']));
      const mismatch =
        "[Tried to delete resource record set [name='www.example.com.', type='A'] but the values provided do not match the current values]";
      const wrongTtl = await serviceError(
        change(rrset('DELETE', 'www.example.com', 'A', 61, ['192.0.2.1', '192.0.2.2'])),
      );
      expect(wrongTtl.message).toBe(mismatch);
      const fewerValues = await serviceError(
        change(rrset('DELETE', 'www.example.com', 'A', 60, ['192.0.2.1'])),
      );
      expect(fewerValues.message).toBe(mismatch);
    });

    it('deletes a record set when name, type, TTL and values match, in any value order', async () => {
      await change(rrset('CREATE', 'www.example.com', 'A', 60, ['192.0.2.1', '192.0.2.2']));
      await change(rrset('DELETE', 'WWW.example.com.', 'A', 60, ['192.0.2.2', '192.0.2.1']));
      expect(await userRecords()).toEqual([]);
    });

    it('creates a missing record set with UPSERT and replaces an existing one', async () => {
      await change(rrset('UPSERT', 'www.example.com', 'A', 60, ['192.0.2.1']));
      await change(rrset('UPSERT', 'www.example.com', 'A', 120, ['192.0.2.7', '192.0.2.8']));
      expect(await userRecords()).toEqual([
        {
          Name: 'www.example.com.',
          Type: 'A',
          TTL: 120,
          ResourceRecords: [{ Value: '192.0.2.7' }, { Value: '192.0.2.8' }],
        },
      ]);
    });

    it('applies nothing from a batch in which one change is invalid', async () => {
      const error = await serviceError(
        change(
          rrset('CREATE', 'one.example.com', 'A', 60, ['192.0.2.1']),
          rrset('CREATE', 'two.example.com', 'A', 60, ['not-an-address']),
          rrset('CREATE', 'three.example.com', 'TXT', 60, ['"ok"']),
        ),
      );
      expect(error.name).toBe('InvalidChangeBatch');
      expect(await userRecords()).toEqual([]);
    });

    it('reports every problem of a refused batch in one bracketed message', async () => {
      await change(rrset('CREATE', 'www.example.com', 'CNAME', 60, ['target.example.net']));
      const error = await serviceError(
        change(
          rrset('DELETE', 'www.example.com', 'CNAME', 60, ['other.example.net']),
          rrset('CREATE', 'www.example.com', 'CNAME', 60, ['other.example.net']),
        ),
      );
      expect(error.message).toBe(
        "[Tried to delete resource record set [name='www.example.com.', type='CNAME'] but the values provided do not match the current values, " +
          "Tried to create resource record set [name='www.example.com.', type='CNAME'] but it already exists]",
      );
    });

    it('refuses two changes to the same name and type in one batch', async () => {
      const error = await serviceError(
        change(
          rrset('UPSERT', 'www.example.com', 'A', 60, ['192.0.2.1']),
          rrset('UPSERT', 'www.example.com.', 'A', 60, ['192.0.2.2']),
        ),
      );
      expect(error.message).toBe(
        "[The request contains an invalid set of changes for a resource record set 'A www.example.com.']",
      );
      expect(await userRecords()).toEqual([]);
    });

    it('accepts a DELETE followed by a CREATE of the same record set, the classic replace', async () => {
      await change(rrset('CREATE', 'www.example.com', 'A', 60, ['192.0.2.1']));
      await change(
        rrset('DELETE', 'www.example.com', 'A', 60, ['192.0.2.1']),
        rrset('CREATE', 'www.example.com', 'A', 60, ['192.0.2.2']),
      );
      expect((await userRecords())[0]?.ResourceRecords).toEqual([{ Value: '192.0.2.2' }]);
    });

    it('refuses names outside the zone', async () => {
      const error = await serviceError(
        change(rrset('CREATE', 'www.example.org', 'A', 60, ['192.0.2.1'])),
      );
      expect(error.message).toBe(
        '[RRSet with DNS name www.example.org. is not permitted in zone example.com.]',
      );
    });

    it('refuses labels longer than 63 octets, names longer than 255 and empty labels', async () => {
      const longLabel = `${'a'.repeat(64)}.example.com`;
      const longName = `${Array.from({ length: 5 }, () => 'b'.repeat(60)).join('.')}.example.com`;
      const error = await serviceError(
        change(
          rrset('CREATE', longLabel, 'A', 60, ['192.0.2.1']),
          rrset('CREATE', longName, 'A', 60, ['192.0.2.1']),
          rrset('CREATE', 'a..example.com', 'A', 60, ['192.0.2.1']),
        ),
      );
      expect(error.message).toContain(
        `DomainLabelTooLong (Domain label is too long) encountered with '${longLabel}'`,
      );
      expect(error.message).toContain('DomainNameTooLong (Domain name is too long)');
      expect(error.message).toContain(
        "DomainLabelEmpty (Domain label is empty) encountered with 'a..example.com'",
      );
    });

    it('refuses a CNAME at the zone apex', async () => {
      const error = await serviceError(
        change(rrset('CREATE', 'example.com', 'CNAME', 60, ['elsewhere.net'])),
      );
      expect(error.message).toBe(
        '[RRSet of type CNAME with DNS name example.com. is not permitted at apex in zone example.com.]',
      );
    });

    it('refuses a CNAME beside other records, and other records beside a CNAME', async () => {
      await change(
        rrset('CREATE', 'www.example.com', 'A', 60, ['192.0.2.1']),
        rrset('CREATE', 'alias.example.com', 'CNAME', 60, ['www.example.com']),
      );
      const cname = await serviceError(
        change(rrset('CREATE', 'www.example.com', 'CNAME', 60, ['x.example.net'])),
      );
      expect(cname.message).toBe(
        '[RRSet of type CNAME with DNS name www.example.com. is not permitted as it conflicts with other records with the same DNS name in zone example.com.]',
      );
      const txt = await serviceError(
        change(rrset('CREATE', 'alias.example.com', 'TXT', 60, ['"x"'])),
      );
      expect(txt.message).toBe(
        '[RRSet of type TXT with DNS name alias.example.com. is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone example.com.]',
      );
    });

    it('refuses A and AAAA values that are not addresses', async () => {
      const error = await serviceError(
        change(
          rrset('CREATE', 'v4.example.com', 'A', 60, ['192.0.2.256']),
          rrset('CREATE', 'v6.example.com', 'AAAA', 60, ['192.0.2.1']),
        ),
      );
      expect(error.message).toBe(
        "[Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '192.0.2.256'', " +
          "Invalid Resource Record: 'FATAL problem: AAAARRDATAIllegalIPv6Address (Value is not a valid IPv6 address) encountered with '192.0.2.1'']",
      );
    });

    it('refuses TXT values that are unquoted or hold a string longer than 255 characters', async () => {
      const unquoted = await serviceError(
        change(rrset('CREATE', 't.example.com', 'TXT', 60, ['plain'])),
      );
      expect(unquoted.message).toContain(
        'InvalidCharacterString (Value should be enclosed in quotation marks)',
      );
      const long = await serviceError(
        change(rrset('CREATE', 't.example.com', 'TXT', 60, [`"${'x'.repeat(256)}"`])),
      );
      expect(long.message).toContain('TXTRDATATooLong (Value is too long)');
    });

    it('accepts a TXT value longer than 255 characters split into several strings', async () => {
      const value = `"${'x'.repeat(255)}" "${'y'.repeat(100)}"`;
      await change(rrset('CREATE', 't.example.com', 'TXT', 60, [value]));
      expect((await userRecords())[0]?.ResourceRecords).toEqual([{ Value: value }]);
    });

    it('refuses MX values without a priority and CNAMEs with several values', async () => {
      const error = await serviceError(
        change(
          rrset('CREATE', 'example.com', 'MX', 60, ['mail.example.com']),
          rrset('CREATE', 'c.example.com', 'CNAME', 60, ['a.example.net', 'b.example.net']),
        ),
      );
      expect(error.message).toContain(
        "MXRRDATAIncorrectFormat (Value must be a priority from 0 to 65535 and a domain name) encountered with 'mail.example.com'",
      );
      expect(error.message).toContain(
        'RRSet of type CNAME with DNS name c.example.com. may contain only one value',
      );
    });

    it('stores MX, CAA, SRV and multi-value TXT record sets', async () => {
      await change(
        rrset('CREATE', 'example.com', 'MX', 300, [
          '10 mail.example.com.',
          '20 backup.example.com.',
        ]),
        rrset('CREATE', 'example.com', 'CAA', 300, ['0 issue "letsencrypt.org"']),
        rrset('CREATE', '_sip._tcp.example.com', 'SRV', 300, ['10 5 5060 sip.example.com.']),
        rrset('CREATE', 'example.com', 'TXT', 300, ['"v=spf1 -all"', '"a" "b"']),
      );
      expect((await userRecords()).map((s) => s.Type)).toEqual(['CAA', 'MX', 'TXT', 'SRV']);
    });

    it('refuses more than 1,000 records in one request, counting an UPSERT twice', async () => {
      const values = (n: number) =>
        Array.from({ length: n }, (_, i) => `10.0.${Math.floor(i / 250)}.${i % 250}`);
      const upserts = await serviceError(
        change(
          rrset('UPSERT', 'a.example.com', 'A', 60, values(400)),
          rrset('UPSERT', 'b.example.com', 'A', 60, values(101)),
        ),
      );
      expect(upserts.message).toBe('[Number of records limit of 1000 exceeded.]');
      await change(
        rrset('UPSERT', 'a.example.com', 'A', 60, values(400)),
        rrset('CREATE', 'b.example.com', 'A', 60, values(200)),
      );
      expect(await userRecords()).toHaveLength(2);
    });

    it('refuses more than 32,000 characters of values in one request, counting an UPSERT twice', async () => {
      const strings = (n: number, c: string) =>
        Array.from({ length: n }, (_, i) => `"${c}${i}-${'v'.repeat(240)}"`);
      // 70 values of about 247 characters: about 17,300 characters, twice that as UPSERTs.
      const upserts = await serviceError(
        change(rrset('UPSERT', 't.example.com', 'TXT', 60, strings(70, 'u'))),
      );
      expect(upserts.message).toBe('[Number of characters limit of 32000 exceeded.]');
      await change(rrset('CREATE', 't.example.com', 'TXT', 60, strings(70, 'c')));
      expect(await userRecords()).toHaveLength(1);
    });

    it("refuses to delete the zone's own SOA or NS record sets", async () => {
      const [ns, soa] = await list();
      if (!soa || !ns) throw new Error('The zone has no apex SOA and NS');
      const error = await serviceError(
        change(
          { Action: 'DELETE', ResourceRecordSet: ns },
          { Action: 'DELETE', ResourceRecordSet: soa },
        ),
      );
      expect(error.message).toBe(
        '[A HostedZone must contain at least one NS record for the zone itself., A HostedZone must contain exactly one SOA record.]',
      );
    });

    it('answers NoSuchHostedZone for changes to an unknown zone', async () => {
      zoneId = '/hostedzone/Z1234567890ABC';
      const error = await serviceError(
        change(rrset('CREATE', 'www.example.com', 'A', 60, ['192.0.2.1'])),
      );
      expect(error.name).toBe('NoSuchHostedZone');
      expect(error.$metadata.httpStatusCode).toBe(404);
    });

    it('refuses changes without TTL and values, or of unsupported types, with InvalidInput', async () => {
      const bare = await serviceError(
        change({ Action: 'CREATE', ResourceRecordSet: { Name: 'www.example.com', Type: 'A' } }),
      );
      expect(bare.name).toBe('InvalidInput');
      expect(bare.message).toBe(
        'Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], ' +
          'but found none in Change with [Action=CREATE, Name=www.example.com, Type=A, SetIdentifier=null]',
      );
      const alias = await serviceError(
        change({
          Action: 'CREATE',
          ResourceRecordSet: {
            Name: 'www.example.com',
            Type: 'A',
            AliasTarget: {
              HostedZoneId: 'Z2FDTNDATAQYW2',
              DNSName: 'd.cloudfront.net',
              EvaluateTargetHealth: false,
            },
          },
        }),
      );
      expect(alias.name).toBe('InvalidInput');
      const unknownType = await serviceError(
        change(rrset('CREATE', 'www.example.com', 'BOGUS' as RRType, 60, ['x'])),
      );
      expect(unknownType.name).toBe('InvalidInput');
      expect(unknownType.message).toContain(
        "Value 'BOGUS' at 'changeBatch.changes.1.member.resourceRecordSet.type'",
      );
    });
  });

  describe('malformed change batches', () => {
    it("refuses an action outside CREATE, DELETE and UPSERT with the XML schema's message", async () => {
      const error = await serviceError(
        change(rrset('REPLACE' as ChangeAction, 'www.example.com', 'A', 60, ['192.0.2.1'])),
      );
      expect(error.name).toBe('InvalidInput');
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(error.message).toBe(
        "Invalid XML ; cvc-enumeration-valid: Value 'REPLACE' is not facet-valid with respect to " +
          "enumeration '[CREATE, DELETE, UPSERT]'. It must be a value from the enumeration.",
      );
    });

    it('refuses a name with a space or a non-ASCII character, naming the character', async () => {
      const error = await serviceError(
        change(
          rrset('CREATE', 'my host.example.com', 'A', 60, ['192.0.2.1']),
          rrset('CREATE', 'café.example.com', 'A', 60, ['192.0.2.2']),
        ),
      );
      expect(error.name).toBe('InvalidChangeBatch');
      expect(error.message).toBe(
        "[FATAL problem: UnsupportedCharacter (Value contains unsupported characters) encountered with ' ', " +
          "FATAL problem: UnsupportedCharacter (Value contains unsupported characters) encountered with 'é']",
      );
      expect(await userRecords()).toEqual([]);
    });
  });

  describe('a zone that fills up', () => {
    const a = (n: number) => rrset('CREATE', `r${n}.example.com`, 'A', 60, ['192.0.2.1']);
    const limit = (type: HostedZoneLimitType = 'MAX_RRSETS_BY_ZONE') =>
      client.send(new GetHostedZoneLimitCommand({ HostedZoneId: zoneId, Type: type }));
    const setQuota = (maxRecordSets: number) =>
      control(emulator, 'POST', '/_emulator/zones', { name: 'example.com', maxRecordSets });
    const refusal = (count: number, adds: number, max: number) =>
      `[The change batch would exceed the quota of ${max} resource record sets (MAX_RRSETS_BY_ZONE) ` +
      `in hosted zone ${zoneId.slice(12)}: it holds ${count} and the batch adds ${adds}]`;

    it('holds 10,000 record sets by default, the apex SOA and NS included, as Route 53 does', async () => {
      expect(await limit()).toMatchObject({
        Count: 2,
        Limit: { Type: 'MAX_RRSETS_BY_ZONE', Value: 10_000 },
      });
      // 1,000 records per request at most: ten batches fill the zone.
      for (let batch = 0; batch < 10; batch += 1) {
        const size = batch === 9 ? 998 : 1000;
        await change(...Array.from({ length: size }, (_, i) => a(batch * 1000 + i)));
      }
      expect(await limit()).toMatchObject({ Count: 10_000 });
      const error = await serviceError(change(a(10_000)));
      expect(error.name).toBe('InvalidChangeBatch');
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(error.message).toBe(refusal(10_000, 1, 10_000));
    });

    it('refuses a batch that would pass the quota, applying none of it, and keeps accepting what adds nothing', async () => {
      expect(await setQuota(5)).toMatchObject({ status: 200, body: { maxRecordSets: 5 } });
      await change(a(1), a(2));
      const error = await serviceError(change(a(3), a(4)));
      expect(error.name).toBe('InvalidChangeBatch');
      expect(error.message).toBe(refusal(4, 2, 5));
      expect(await userRecords()).toHaveLength(2);
      await change(a(3));
      expect(await limit()).toMatchObject({ Count: 5, Limit: { Value: 5 } });

      // Changing a set, replacing it, or swapping one for another adds nothing.
      await change(rrset('UPSERT', 'r1.example.com', 'A', 300, ['192.0.2.9']));
      await change(
        rrset('DELETE', 'r2.example.com', 'A', 60, ['192.0.2.1']),
        rrset('CREATE', 'r2.example.com', 'A', 60, ['192.0.2.2']),
      );
      await change(rrset('DELETE', 'r3.example.com', 'A', 60, ['192.0.2.1']), a(6));
      expect((await serviceError(change(a(7)))).message).toBe(refusal(5, 1, 5));
      // A set UPSERTed into existence counts like a CREATE.
      const upsert = await serviceError(
        change(rrset('UPSERT', 'new.example.com', 'A', 60, ['192.0.2.1'])),
      );
      expect(upsert.message).toBe(refusal(5, 1, 5));
      // Another change of the same batch is not the one named: Route 53 refuses the batch.
      const mixed = await serviceError(
        change(rrset('UPSERT', 'r1.example.com', 'A', 60, ['192.0.2.1']), a(8)),
      );
      expect(mixed.message).toBe(refusal(5, 1, 5));
    });

    it('lets a zone over a lowered quota be emptied, never filled', async () => {
      await change(a(1), a(2), a(3));
      await setQuota(3);
      expect(await limit()).toMatchObject({ Count: 5, Limit: { Value: 3 } });
      expect((await serviceError(change(a(4)))).message).toBe(refusal(5, 1, 3));
      await change(rrset('DELETE', 'r1.example.com', 'A', 60, ['192.0.2.1']));
      await change(rrset('DELETE', 'r2.example.com', 'A', 60, ['192.0.2.1']));
      expect((await serviceError(change(a(4)))).message).toBe(refusal(3, 1, 3));
    });

    it('answers GetHostedZoneLimit with the errors Route 53 documents', async () => {
      const vpcs = await serviceError(limit('MAX_VPCS_ASSOCIATED_BY_ZONE'));
      expect(vpcs.name).toBe('HostedZoneNotPrivate');
      expect(vpcs.$metadata.httpStatusCode).toBe(400);
      expect(vpcs.message).toBe(
        'The specified hosted zone is a public hosted zone, not a private hosted zone.',
      );
      const bogus = await serviceError(limit('MAX_RECORDS' as HostedZoneLimitType));
      expect(bogus.name).toBe('InvalidInput');
      expect(bogus.message).toBe(
        "1 validation error detected: Value 'MAX_RECORDS' at 'type' failed to satisfy constraint: " +
          'Member must satisfy enum value set: [MAX_RRSETS_BY_ZONE, MAX_VPCS_ASSOCIATED_BY_ZONE]',
      );
      const unknown = await serviceError(
        client.send(
          new GetHostedZoneLimitCommand({ HostedZoneId: 'ZNOPE', Type: 'MAX_RRSETS_BY_ZONE' }),
        ),
      );
      expect(unknown.name).toBe('NoSuchHostedZone');
      expect(unknown.$metadata.httpStatusCode).toBe(404);
    });
  });

  describe('hosted zone count and comments', () => {
    it('counts the hosted zones of the account', async () => {
      const count = async () =>
        (await client.send(new GetHostedZoneCountCommand({}))).HostedZoneCount;
      expect(await count()).toBe(1);
      await client.send(new CreateHostedZoneCommand({ Name: 'two.test', CallerReference: 'two' }));
      expect(await count()).toBe(2);
    });

    it('replaces a zone comment, removes it when none is given, and refuses an unknown zone', async () => {
      const updated = await client.send(
        new UpdateHostedZoneCommentCommand({ Id: zoneId, Comment: 'users a to m' }),
      );
      expect(updated.HostedZone).toMatchObject({
        Id: zoneId,
        Name: 'example.com.',
        Config: { Comment: 'users a to m', PrivateZone: false },
        ResourceRecordSetCount: 2,
      });
      const read = await client.send(new GetHostedZoneCommand({ Id: zoneId }));
      expect(read.HostedZone?.Config?.Comment).toBe('users a to m');
      await client.send(new UpdateHostedZoneCommentCommand({ Id: zoneId }));
      const cleared = await client.send(new GetHostedZoneCommand({ Id: zoneId }));
      expect(cleared.HostedZone?.Config?.Comment).toBeUndefined();
      const tooLong = await serviceError(
        client.send(new UpdateHostedZoneCommentCommand({ Id: zoneId, Comment: 'x'.repeat(257) })),
      );
      expect(tooLong.name).toBe('InvalidInput');
      const unknown = await serviceError(
        client.send(new UpdateHostedZoneCommentCommand({ Id: 'ZNOPE', Comment: 'x' })),
      );
      expect(unknown.name).toBe('NoSuchHostedZone');
    });
  });

  describe('ListResourceRecordSets', () => {
    it('pages through 700 record sets, 300 at a time, with NextRecordName and NextRecordType', async () => {
      const changes = Array.from({ length: 700 }, (_, i) =>
        rrset('CREATE', `host-${String(i).padStart(3, '0')}.example.com`, 'A', 60, [
          `10.0.${i >> 8}.${i & 255}`,
        ]),
      );
      await change(...changes);

      const seen: string[] = [];
      let start: { name?: string; type?: RRType } = {};
      for (let page = 0; page < 10; page += 1) {
        const result = await client.send(
          new ListResourceRecordSetsCommand({
            HostedZoneId: zoneId,
            StartRecordName: start.name,
            StartRecordType: start.type,
          }),
        );
        expect(result.MaxItems).toBe(300);
        seen.push(...(result.ResourceRecordSets ?? []).map((s) => `${s.Name} ${s.Type}`));
        if (!result.IsTruncated) break;
        start = { name: result.NextRecordName, type: result.NextRecordType };
      }
      expect(seen).toHaveLength(702);
      expect(new Set(seen).size).toBe(702);
      expect(seen.slice(0, 3)).toEqual([
        'example.com. NS',
        'example.com. SOA',
        'host-000.example.com. A',
      ]);
      expect(seen.at(-1)).toBe('host-699.example.com. A');
    });

    it('starts at the given name and type and honours MaxItems', async () => {
      await change(
        rrset('CREATE', 'a.example.com', 'A', 60, ['192.0.2.1']),
        rrset('CREATE', 'a.example.com', 'TXT', 60, ['"a"']),
        rrset('CREATE', 'b.example.com', 'A', 60, ['192.0.2.2']),
      );
      const result = await client.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          StartRecordName: 'a.example.com',
          StartRecordType: 'TXT',
          MaxItems: 1,
        }),
      );
      expect(result.ResourceRecordSets?.map((s) => `${s.Name} ${s.Type}`)).toEqual([
        'a.example.com. TXT',
      ]);
      expect(result).toMatchObject({
        IsTruncated: true,
        NextRecordName: 'b.example.com.',
        NextRecordType: 'A',
        MaxItems: 1,
      });
    });

    it('refuses a StartRecordType without a StartRecordName', async () => {
      const error = await serviceError(
        client.send(
          new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordType: 'A' }),
        ),
      );
      expect(error.name).toBe('InvalidInput');
    });
  });

  describe('GetChange', () => {
    it('reports PENDING until the INSYNC delay has passed, then INSYNC', async () => {
      emulator.state.configure({ insyncDelayMs: 300 });
      const submitted = await change(rrset('CREATE', 'www.example.com', 'A', 60, ['192.0.2.1']));
      const id = submitted.ChangeInfo?.Id;
      expect(submitted.ChangeInfo?.Status).toBe('PENDING');
      expect((await client.send(new GetChangeCommand({ Id: id }))).ChangeInfo?.Status).toBe(
        'PENDING',
      );
      await sleep(350);
      const later = await client.send(new GetChangeCommand({ Id: id }));
      expect(later.ChangeInfo).toMatchObject({ Id: id, Status: 'INSYNC' });
      expect(later.ChangeInfo?.SubmittedAt?.getTime()).toBe(
        submitted.ChangeInfo?.SubmittedAt?.getTime(),
      );
    });

    it('answers NoSuchChange (404) for an unknown change id', async () => {
      const error = await serviceError(
        client.send(new GetChangeCommand({ Id: '/change/C0000000000000' })),
      );
      expect(error.name).toBe('NoSuchChange');
      expect(error.$metadata.httpStatusCode).toBe(404);
    });
  });

  describe('throttling', () => {
    it('refuses calls past the burst with Throttling (400, "Rate exceeded") until tokens refill', async () => {
      // One token a second: the five calls must not see a refill however slowly a busy machine sends them.
      emulator.state.configure({ rps: 1, burst: 3 });
      const calls = await Promise.allSettled(
        Array.from({ length: 5 }, () => client.send(new GetHostedZoneCommand({ Id: zoneId }))),
      );
      expect(calls.filter((c) => c.status === 'fulfilled')).toHaveLength(3);
      const refused = calls.flatMap((c) => (c.status === 'rejected' ? [c.reason] : []));
      expect(refused).toHaveLength(2);
      for (const reason of refused) {
        expect(reason).toBeInstanceOf(Route53ServiceException);
        expect(reason).toMatchObject({
          name: 'Throttling',
          message: 'Rate exceeded',
          $metadata: { httpStatusCode: 400 },
        });
      }
      expect(emulator.state.counters.throttled).toBe(2);
      await sleep(1_100);
      await expect(client.send(new GetHostedZoneCommand({ Id: zoneId }))).resolves.toBeDefined();
    });
  });

  describe('wire format', () => {
    it("answers errors in Route 53's ErrorResponse shape with a request id header", async () => {
      const response = await fetch(`${emulator.apiUrl}/2013-04-01/change/C404`);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('text/xml');
      expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
      const requestId = response.headers.get('x-amzn-requestid') ?? '';
      expect(await response.text()).toBe(
        '<?xml version="1.0"?>\n' +
          '<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type>' +
          '<Code>NoSuchChange</Code><Message>A change with the specified change ID does not exist: C404</Message>' +
          `</Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      );
    });

    it('refuses a body that is not well-formed XML with InvalidInput', async () => {
      const response = await fetch(
        `${emulator.apiUrl}/2013-04-01/hostedzone/${zoneId.slice(12)}/rrset`,
        {
          method: 'POST',
          body: '<ChangeResourceRecordSetsRequest><ChangeBatch>',
        },
      );
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('<Code>InvalidInput</Code>');
    });

    it('refuses XML with a document type declaration', async () => {
      const response = await fetch(`${emulator.apiUrl}/2013-04-01/hostedzone`, {
        method: 'POST',
        body: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><CreateHostedZoneRequest/>',
      });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('Document type declarations are not allowed');
    });
  });
});
