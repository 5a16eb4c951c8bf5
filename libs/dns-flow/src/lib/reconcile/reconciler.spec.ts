import { DeleteHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import type { DnsRecordEntity } from '@starchart/persistence';
import { Route53Service, type RecordSet } from '@starchart/route53';
import {
  createPrivateZone,
  loseJob,
  testStack,
  uniqueId,
  type HostedZone,
} from '@starchart/testing';
import { randomUUID } from 'node:crypto';
import { FlowHarness, waitFor } from '../../../test/support/harness';
import { DnsFlowQueues } from '../dns-flow-queues';
import { DNS_FLOW, flowIdFor, parseFlowId } from '../flow';
import { DNS_QUEUES } from '../queues';
import type { ReconcileReport } from './reconcile-job';
import { ReconcileRequests } from './reconcile-requests.service';
import { ReconcileSchedule } from './reconcile-schedule';
import { ReconcilerService } from './reconciler.service';

jest.setTimeout(60_000);

const NO_CHANGES = { upserted: 0, deleted: 0, requeued: 0, failed: 0 };

// The reconciler deletes unknown sets in users' zones: it runs against a hosted zone of its own.
describe('the reconciler', () => {
  let zone: HostedZone;
  let h: FlowHarness;
  let route53: Route53Service;
  const user = uniqueId('u');
  const name = (label: string): string => `${label}.${user}.${zone.rootDomain}`;
  const a = (fqdn: string, value: string, ttl = 60): RecordSet => ({
    name: fqdn,
    type: 'A',
    ttl,
    values: [value],
  });

  const zoneSets = async (): Promise<RecordSet[]> => {
    const sets: RecordSet[] = [];
    for await (const set of route53.listRecordSets()) sets.push(set);
    return sets;
  };
  const zoneSet = async (fqdn: string, type: string): Promise<RecordSet | undefined> =>
    (await zoneSets()).find((set) => set.name === fqdn && set.type === type);
  const reconcile = (): Promise<ReconcileReport> => h.app.get(ReconcilerService).reconcile();

  /** A row as a finished flow leaves it (active), or as the api leaves it (pending). */
  const saveRow = async (
    label: string,
    fields: Partial<DnsRecordEntity> = {},
  ): Promise<DnsRecordEntity> => {
    const id = randomUUID();
    const row = h.records.create({
      id,
      username: user,
      name: label,
      fqdn: name(label),
      type: 'A',
      value: '192.0.2.1',
      priority: null,
      ttl: 60,
      status: 'active',
      statusReason: null,
      version: 1,
      flowId: flowIdFor({ op: 'create', recordId: id, version: 1 }),
      changeId: null,
      ...fields,
    });
    return h.records.save(row);
  };
  const age = (row: DnsRecordEntity, minutes: number): Promise<unknown> =>
    h.records.query(
      `UPDATE dns_records SET updated_at = NOW(3) - INTERVAL ${minutes} MINUTE WHERE id = ?`,
      [row.id],
    );

  beforeAll(async () => {
    zone = await createPrivateZone(testStack());
    h = await FlowHarness.start({ zone, reconcile: { graceMs: 60_000 } });
    route53 = h.app.get(Route53Service);
  });

  afterAll(async () => {
    if (!h) return;
    const leftovers = (await zoneSets()).filter((set) => set.type !== 'SOA' && set.type !== 'NS');
    await Promise.all(
      leftovers.map((recordSet) => route53.submitChange({ action: 'DELETE', recordSet })),
    );
    await h.close();
    const client = new Route53Client({
      endpoint: h.stack.emulator.apiUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: 'starchart-test', secretAccessKey: 'starchart-test' },
    });
    await client.send(new DeleteHostedZoneCommand({ Id: zone.id })).catch(() => undefined);
    client.destroy();
  });

  // First: the runs below count every row of this database.
  describe('with a flow whose tree lost a job in Redis', () => {
    let lost: DnsRecordEntity;
    let held: DnsRecordEntity;
    let statesBefore: string[];
    let statesAfter: string[];
    let young: ReconcileReport;
    let repaired: ReconcileReport;
    let settled: ReconcileReport;

    /** A pending record whose flow waits in Redis: no create-dns-record worker takes its job. */
    const submitted = async (label: string, value: string): Promise<DnsRecordEntity> => {
      const record = h.newRecord({ name: label, value });
      record.username = user;
      record.fqdn = name(label);
      await h.submit('create', record);
      await h.waitForJob(DNS_QUEUES.syncDbStatus, record.flowId ?? '', ['waiting-children']);
      return record;
    };
    const createJobId = (record: DnsRecordEntity): string => {
      const key = parseFlowId(record.flowId ?? '');
      if (!key) throw new Error(`no flow for record ${record.id}`);
      return DNS_FLOW.jobIds(key)[DNS_QUEUES.createDnsRecord];
    };
    const states = (): Promise<string[]> =>
      Promise.all([h.flows.checkFlow(lost), h.flows.checkFlow(held)]);

    beforeAll(async () => {
      await h.worker(DNS_QUEUES.createDnsRecord).pause();
      lost = await submitted('lost', '192.0.2.70');
      held = await submitted('held', '192.0.2.71');
      await h.waitForJob(DNS_QUEUES.createDnsRecord, createJobId(held), ['waiting']);
      await loseJob(h.app.get(DnsFlowQueues).connection, {
        prefix: h.queue.prefix,
        queue: DNS_QUEUES.createDnsRecord,
        jobId: createJobId(lost),
      });
      statesBefore = await states();
      young = await reconcile();
      await age(lost, 10);
      await age(held, 10);
      repaired = await reconcile();
      statesAfter = await states();
      h.worker(DNS_QUEUES.createDnsRecord).resume();
      await h.waitForRecord(lost.id, (r) => r?.status === 'active');
      await h.waitForRecord(held.id, (r) => r?.status === 'active');
      settled = await reconcile();
    });

    it('tells a broken flow from a healthy one waiting for its children', () => {
      expect(statesBefore).toEqual(['broken', 'waiting-children']);
    });

    it('leaves a broken flow alone while its record is younger than the grace period', () => {
      expect(young).toMatchObject({ ...NO_CHANGES, skippedInFlight: 2 });
    });

    it('removes the broken flow and adds it again with the same ids, and leaves the healthy one', () => {
      expect(repaired).toMatchObject({ ...NO_CHANGES, requeued: 1, skippedInFlight: 1 });
      expect(statesAfter).toEqual(['waiting-children', 'waiting-children']);
    });

    it('ends the record active, with its set in the zone', async () => {
      await expect(h.records.findOneBy({ id: lost.id })).resolves.toMatchObject({
        status: 'active',
        version: 1,
        flowId: flowIdFor({ op: 'create', recordId: lost.id, version: 1 }),
      });
      await expect(zoneSet(lost.fqdn, 'A')).resolves.toEqual(a(lost.fqdn, '192.0.2.70'));
      await expect(zoneSet(held.fqdn, 'A')).resolves.toEqual(a(held.fqdn, '192.0.2.71'));
      expect(settled).toMatchObject({ ...NO_CHANGES, skippedInFlight: 0 });
    });
  });

  describe('with drift of every kind', () => {
    let missing: DnsRecordEntity;
    let wrongValue: DnsRecordEntity;
    let wrongTtl: DnsRecordEntity;
    let stalled: DnsRecordEntity;
    let young: DnsRecordEntity;
    let inFlight: DnsRecordEntity;
    let first: ReconcileReport;
    let second: ReconcileReport;
    let third: ReconcileReport;
    let scannedBefore: number;
    let inFlightAfterFirst: { state: string; a?: RecordSet; txt?: RecordSet };
    const untouchable: RecordSet[] = [];

    beforeAll(async () => {
      missing = await saveRow('missing', { value: '192.0.2.10' });
      wrongValue = await saveRow('wrong-value', { value: '192.0.2.20' });
      wrongTtl = await saveRow('wrong-ttl', { value: '192.0.2.30', ttl: 300 });
      const mx = await saveRow('@', {
        fqdn: `${user}.${zone.rootDomain}`,
        type: 'MX',
        value: 'mail.example.com',
        priority: 10,
      });
      const txt = await saveRow('txt', { type: 'TXT', value: `v=spf1 ${'a '.repeat(200)}-all` });
      // In sync as written: SRV as "priority weight port target", CAA compared exactly.
      const srv = await saveRow('_sip._tcp', {
        type: 'SRV',
        value: 'sip.example.com',
        priority: 10,
        weight: 5,
        port: 5060,
      });
      const caa = await saveRow('@', {
        fqdn: `${user}.${zone.rootDomain}`,
        type: 'CAA',
        value: '0 issue "letsencrypt.org"',
      });
      stalled = await saveRow('stalled', { status: 'pending', value: '192.0.2.40' });
      await age(stalled, 10);
      young = await saveRow('young', { status: 'pending', value: '192.0.2.50' });

      // A flow held before its Route 53 step: its root waits for its children.
      await h.worker(DNS_QUEUES.createDnsRecord).pause();
      inFlight = h.newRecord({ value: '192.0.2.60' });
      inFlight.fqdn = name('in-flight');
      inFlight.username = user;
      inFlight.name = 'in-flight';
      await h.submit('create', inFlight);
      await h.waitForJob(DNS_QUEUES.syncDbStatus, inFlight.flowId ?? '', ['waiting-children']);
      await age(inFlight, 10);

      untouchable.push(
        a(zone.rootDomain, '192.0.2.200'),
        a(`${user}.${zone.rootDomain}`, '192.0.2.201'),
        { name: name('_acme-challenge'), type: 'TXT', ttl: 60, values: ['token-in-flight'] },
        { name: name('deleg'), type: 'NS', ttl: 60, values: ['ns1.example.net'] },
      );
      const written: RecordSet[] = [
        ...untouchable,
        a(wrongValue.fqdn, '192.0.2.99'),
        a(wrongTtl.fqdn, '192.0.2.30', 60),
        { name: mx.fqdn, type: 'MX', ttl: 60, values: ['10 mail.example.com'] },
        { name: txt.fqdn, type: 'TXT', ttl: 60, values: [txt.value] },
        { name: srv.fqdn, type: 'SRV', ttl: 60, values: ['10 5 5060 sip.example.com.'] },
        { name: caa.fqdn, type: 'CAA', ttl: 60, values: ['0 issue "letsencrypt.org"'] },
        a(name('stray'), '192.0.2.66'),
        // Not in the database, but at the name of a record whose flow is running.
        { name: inFlight.fqdn, type: 'TXT', ttl: 60, values: ['keep me'] },
      ];
      await Promise.all(
        written.map((recordSet) => route53.submitChange({ action: 'UPSERT', recordSet })),
      );
      scannedBefore = (await zoneSets()).length;

      first = await reconcile();
      inFlightAfterFirst = {
        state: await h.flows.getFlowState(inFlight),
        a: await zoneSet(inFlight.fqdn, 'A'),
        txt: await zoneSet(inFlight.fqdn, 'TXT'),
      };
      h.worker(DNS_QUEUES.createDnsRecord).resume();
      await h.waitForRecord(stalled.id, (r) => r?.status === 'active');
      await h.waitForRecord(inFlight.id, (r) => r?.status === 'active');
      second = await reconcile();
      third = await reconcile();
    });

    it('writes an active record that Route 53 lacks', async () => {
      await expect(zoneSet(missing.fqdn, 'A')).resolves.toEqual(a(missing.fqdn, '192.0.2.10'));
    });

    it('puts back the value and TTL of active records changed in Route 53', async () => {
      await expect(zoneSet(wrongValue.fqdn, 'A')).resolves.toEqual(
        a(wrongValue.fqdn, '192.0.2.20'),
      );
      await expect(zoneSet(wrongTtl.fqdn, 'A')).resolves.toEqual(
        a(wrongTtl.fqdn, '192.0.2.30', 300),
      );
    });

    it("deletes a set in a user's zone that no record accounts for", async () => {
      await expect(zoneSet(name('stray'), 'A')).resolves.toBeUndefined();
    });

    it("leaves SOA, NS, the apex, a user's own name and ACME challenges alone", async () => {
      const sets = await zoneSets();
      for (const set of untouchable) expect(sets).toContainEqual(set);
      expect(sets.filter((set) => set.name === zone.rootDomain).map((set) => set.type)).toEqual(
        expect.arrayContaining(['SOA', 'NS', 'A']),
      );
    });

    it('resumes the flow of a pending record that has none, and the record ends active', async () => {
      const row = await h.waitForRecord(stalled.id, (r) => r?.status === 'active');
      expect(row).toMatchObject({ status: 'active', version: 1, value: '192.0.2.40' });
      await expect(zoneSet(stalled.fqdn, 'A')).resolves.toEqual(a(stalled.fqdn, '192.0.2.40'));
    });

    it('leaves a pending record younger than the grace period without a flow', async () => {
      await expect(h.records.findOneBy({ id: young.id })).resolves.toMatchObject({
        status: 'pending',
      });
      await expect(h.flows.getFlowState(young)).resolves.toBe('unknown');
    });

    it('never touches a record whose flow is running, nor other sets at its name', () => {
      expect(inFlightAfterFirst).toEqual({
        state: 'waiting-children',
        a: undefined,
        txt: { name: inFlight.fqdn, type: 'TXT', ttl: 60, values: ['keep me'] },
      });
    });

    it('deletes an unknown set at that name once the flow has finished', async () => {
      expect(second).toMatchObject({ upserted: 0, deleted: 1, requeued: 0, failed: 0 });
      await expect(zoneSet(inFlight.fqdn, 'TXT')).resolves.toBeUndefined();
      await expect(zoneSet(inFlight.fqdn, 'A')).resolves.toEqual(a(inFlight.fqdn, '192.0.2.60'));
    });

    it('reports what it changed and what it skipped', () => {
      expect(first).toEqual({
        scanned: scannedBefore,
        upserted: 3,
        deleted: 1,
        requeued: 1,
        // The running flow, the set at its name, and the young pending record.
        skippedInFlight: 3,
        failed: 0,
        durationMs: expect.any(Number),
        // The zone's own count, as GetHostedZoneLimit read it after the run, and its quota.
        zone: { recordSets: expect.any(Number), quota: 10_000 },
      });
    });

    it('changes nothing when run again', () => {
      // Only the young pending record is left to skip.
      expect(third).toMatchObject({ ...NO_CHANGES, skippedInFlight: 1 });
      // + missing, stalled and in-flight written; - the stray and the TXT at the in-flight name.
      expect(third.scanned).toBe(scannedBefore + 3 - 2);
    });
  });

  it('runs on request as a job whose return value is the report', async () => {
    const requests = h.app.get(ReconcileRequests);
    const jobId = await requests.request('admin-alice');
    const run = await waitFor(
      () => requests.find(jobId),
      (found) => found?.state === 'completed',
      20_000,
      `reconcile job ${jobId}`,
    );
    expect(run).toMatchObject({
      jobId,
      trigger: 'admin',
      failedReason: null,
      report: { ...NO_CHANGES, scanned: expect.any(Number) },
    });
    await expect(requests.find('reconcile-unknown')).resolves.toBeUndefined();
  });

  it('waits while another run holds the lock instead of overlapping it', async () => {
    const lockKey = `${h.queue.prefix}:reconcile-lock`;
    const redis = h.app.get(DnsFlowQueues).connection;
    await redis.set(lockKey, 'another-run', 'PX', 30_000);
    const requests = h.app.get(ReconcileRequests);
    const jobId = await requests.request('admin-alice');
    try {
      await waitFor(
        () => requests.find(jobId),
        (found) => found?.state === 'delayed',
        10_000,
        `reconcile job ${jobId} to wait`,
      );
    } finally {
      await redis.del(lockKey);
    }
    const job = await h.app.get(DnsFlowQueues).reconcile.getJob(jobId);
    await job?.promote();
    const run = await waitFor(
      () => requests.find(jobId),
      (found) => found?.state === 'completed',
      20_000,
      `reconcile job ${jobId}`,
    );
    expect(run?.report).toMatchObject(NO_CHANGES);
  });

  it('keeps one job scheduler however many replicas upsert it, and removes it at 0', async () => {
    // Its own prefix: no worker processes these jobs, so nothing runs.
    const queues = DnsFlowQueues.open({ ...h.queue, prefix: `{${uniqueId('sched')}}` });
    try {
      for (let replica = 0; replica < 3; replica += 1) {
        await new ReconcileSchedule(queues, {
          everyMs: 60_000,
          graceMs: 0,
        }).onApplicationBootstrap();
      }
      expect(await queues.reconcile.getJobSchedulers()).toHaveLength(1);
      expect(await queues.reconcile.count()).toBe(1);

      await new ReconcileSchedule(queues, { everyMs: 0, graceMs: 0 }).onApplicationBootstrap();
      expect(await queues.reconcile.getJobSchedulers()).toHaveLength(0);
    } finally {
      await queues.reconcile.obliterate({ force: true });
      await queues.onApplicationShutdown();
    }
  });
});
