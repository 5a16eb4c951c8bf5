import { uniqueId } from '@starchart/testing';
import { randomUUID } from 'node:crypto';
import type { Repository } from 'typeorm';
import { migratedDatabase, type MigratedDatabase } from '../../../test/support/migrated-database';
import { CertificateEntity } from '../entities/certificate.entity';
import { CertificatesRepository } from './certificates.repository';

jest.setTimeout(60_000);

const FLOW = 'issue-c-v1-cleanup-challenge';
const OTHER_FLOW = 'issue-c-v2-cleanup-challenge';

describe('certificates repository', () => {
  let database: MigratedDatabase;
  let rows: Repository<CertificateEntity>;
  let certificates: CertificatesRepository;

  beforeAll(async () => {
    database = await migratedDatabase('crt');
    rows = database.dataSource.getRepository(CertificateEntity);
    certificates = new CertificatesRepository(rows);
  });

  afterAll(() => database?.drop());

  /** A certificate whose current order is FLOW's, as the api or the renewal run left it. */
  async function ordered(values: Partial<CertificateEntity> = {}): Promise<CertificateEntity> {
    const id = randomUUID();
    const username = uniqueId('u');
    await rows.insert({
      id,
      username,
      domains: [`${username}.starchart.test`, `*.${username}.starchart.test`],
      status: 'pending',
      statusReason: null,
      version: 1,
      flowId: FLOW,
      ...values,
    });
    return rows.findOneByOrFail({ id });
  }

  it('finds a certificate only while its current order is the given flow’s', async () => {
    const row = await ordered();
    expect((await certificates.findOfFlow(row.id, FLOW))?.username).toBe(row.username);
    expect(await certificates.findOfFlow(row.id, OTHER_FLOW)).toBeNull();
    expect(await certificates.findOfFlow(randomUUID(), FLOW)).toBeNull();
  });

  it('notes and clears the reason of a running order, and leaves another flow’s row alone', async () => {
    const row = await ordered();
    expect(await certificates.noteOrderReason(row.id, FLOW, 'waiting: the CA asked')).toBe(true);
    expect((await rows.findOneByOrFail({ id: row.id })).statusReason).toBe('waiting: the CA asked');
    expect(await certificates.noteOrderReason(row.id, OTHER_FLOW, 'not mine')).toBe(false);
    expect((await rows.findOneByOrFail({ id: row.id })).statusReason).toBe('waiting: the CA asked');
    expect(await certificates.noteOrderReason(row.id, FLOW, null)).toBe(true);
    const after = await rows.findOneByOrFail({ id: row.id });
    expect(after).toMatchObject({ statusReason: null, status: 'pending', version: 1 });
  });

  it('stores a signed certificate with its sealed key, status unchanged, the old ARI window cleared', async () => {
    const row = await ordered({
      status: 'renewing',
      ariWindowStart: new Date('2026-01-01T00:00:00.000Z'),
      ariWindowEnd: new Date('2026-01-02T00:00:00.000Z'),
      ariNextPollAt: new Date('2026-01-01T06:00:00.000Z'),
    });
    const signed = {
      certificatePem: 'LEAF',
      chainPem: 'CHAIN',
      privateKeyEncrypted: 'v1.k.iv.tag.sealed',
      validFrom: new Date('2026-12-01T00:00:00.000Z'),
      validTo: new Date('2027-03-01T00:00:00.000Z'),
    };
    expect(await certificates.storeSigned(row.id, OTHER_FLOW, signed)).toBe(false);
    expect((await rows.findOneByOrFail({ id: row.id })).certificatePem).toBeNull();
    expect(await certificates.storeSigned(row.id, FLOW, signed)).toBe(true);
    expect(await rows.findOneByOrFail({ id: row.id })).toMatchObject({
      ...signed,
      status: 'renewing',
      ariWindowStart: null,
      ariWindowEnd: null,
      ariNextPollAt: null,
    });
  });

  it('ends an order issued: no reason, no renewal failures in a row', async () => {
    const row = await ordered({ status: 'renewing', statusReason: 'waiting', renewalFailures: 2 });
    expect(await certificates.markIssued(row.id, OTHER_FLOW)).toBe(false);
    expect((await rows.findOneByOrFail({ id: row.id })).status).toBe('renewing');
    expect(await certificates.markIssued(row.id, FLOW)).toBe(true);
    expect(await rows.findOneByOrFail({ id: row.id })).toMatchObject({
      status: 'issued',
      statusReason: null,
      renewalFailures: 0,
    });
  });

  it('ends an order failed with the reason cut to fit; a failed renewal counts one more failure', async () => {
    const issue = await ordered({ renewalFailures: 1 });
    expect(
      await certificates.markFailed(issue.id, FLOW, 'x'.repeat(2_000), { renewal: false }),
    ).toBe(true);
    const failedIssue = await rows.findOneByOrFail({ id: issue.id });
    expect(failedIssue).toMatchObject({ status: 'failed', renewalFailures: 1 });
    expect(failedIssue.statusReason).toHaveLength(1024);

    const renewal = await ordered({ status: 'renewing', renewalFailures: 1 });
    expect(
      await certificates.markFailed(renewal.id, OTHER_FLOW, 'not mine', { renewal: true }),
    ).toBe(false);
    expect(await certificates.markFailed(renewal.id, FLOW, 'refused', { renewal: true })).toBe(
      true,
    );
    expect(await rows.findOneByOrFail({ id: renewal.id })).toMatchObject({
      status: 'failed',
      statusReason: 'refused',
      renewalFailures: 2,
    });
  });
  it('reads a certificate by id, by owner, and as its owner or an admin sees it', async () => {
    const mine = await ordered();
    const theirs = await ordered();
    expect((await certificates.getById(mine.id)).username).toBe(mine.username);
    await expect(certificates.getById(randomUUID())).rejects.toThrow();
    expect((await certificates.findByUsername(mine.username))?.id).toBe(mine.id);
    expect(await certificates.findByUsername('nobody')).toBeNull();
    expect((await certificates.findVisible(mine.id, mine.username))?.id).toBe(mine.id);
    expect(await certificates.findVisible(theirs.id, mine.username)).toBeNull();
    expect((await certificates.findVisible(theirs.id, undefined))?.id).toBe(theirs.id);
    expect((await certificates.listVisible(mine.username)).map((row) => row.id)).toEqual([mine.id]);
    const all = (await certificates.listVisible(undefined)).map((row) => row.username);
    expect(all).toEqual(expect.arrayContaining([mine.username, theirs.username]));
    expect(all).toEqual([...all].sort());
  });

  it('takes back an order the queue or Redis refused: removed or failed, only while as expected', async () => {
    const queued = await ordered({ status: 'queued', flowId: null });
    await certificates.deleteIfQueued(queued.id);
    expect(await rows.findOneBy({ id: queued.id })).toBeNull();
    const started = await ordered();
    await certificates.deleteIfQueued(started.id);
    expect(await rows.findOneBy({ id: started.id })).not.toBeNull();
    await certificates.deleteById(started.id);
    expect(await rows.findOneBy({ id: started.id })).toBeNull();

    const again = await ordered({ status: 'queued', version: 2 });
    await certificates.failAtVersion(again.id, 3, 'down');
    expect((await rows.findOneByOrFail({ id: again.id })).status).toBe('queued');
    await certificates.failIfQueued(again.id, 'down');
    expect(await rows.findOneByOrFail({ id: again.id })).toMatchObject({
      status: 'failed',
      statusReason: 'down',
    });
    const admitted = await ordered({ status: 'pending', version: 3 });
    await certificates.failIfQueued(admitted.id, 'down');
    expect((await rows.findOneByOrFail({ id: admitted.id })).status).toBe('pending');
    await certificates.failAtVersion(admitted.id, 3, 'down');
    expect(await rows.findOneByOrFail({ id: admitted.id })).toMatchObject({
      status: 'failed',
      statusReason: 'down',
    });
  });
  it('lists the certificates served for the renewal run, without their PEMs or key', async () => {
    const signed = { certificatePem: 'LEAF', chainPem: 'CHAIN', privateKeyEncrypted: 'sealed' };
    const issued = await ordered({ status: 'issued', ...signed });
    const failedRenewal = await ordered({ status: 'failed', ...signed });
    const neverIssued = await ordered({ status: 'failed' });
    const renewing = await ordered({ status: 'renewing', ...signed });
    const renewable = await certificates.findRenewable();
    const ids = renewable.map((row) => row.id);
    expect(ids).toEqual(expect.arrayContaining([issued.id, failedRenewal.id]));
    expect(ids).not.toContain(neverIssued.id);
    expect(ids).not.toContain(renewing.id);
    const row = renewable.find(({ id }) => id === issued.id);
    expect(row).toMatchObject({ username: issued.username, status: 'issued', version: 1 });
    expect(row?.certificatePem).toBeUndefined();
    expect(row?.chainPem).toBeUndefined();
    expect(row?.privateKeyEncrypted).toBeUndefined();
  });

  it('puts back a certificate whose renewal flow could not be added, unless it moved on', async () => {
    const before = await ordered({ status: 'issued', statusReason: 'kept', flowId: OTHER_FLOW });
    const next = { status: 'renewing' as const, flowId: FLOW, by: 'owner' as const };
    expect(await certificates.startOrder(before, next)).toBe(true);
    await certificates.undoRenewal(before, 'renew-c-v9-cleanup-challenge');
    expect((await rows.findOneByOrFail({ id: before.id })).status).toBe('renewing');
    await certificates.undoRenewal(before, FLOW);
    expect(await rows.findOneByOrFail({ id: before.id })).toMatchObject({
      status: 'issued',
      statusReason: 'kept',
      flowId: OTHER_FLOW,
      version: 1,
    });
  });
});
