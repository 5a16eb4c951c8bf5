import { startCaProxy, testStack, uniqueId, type CaProxy } from '@starchart/testing';
import { type ApiHarness, startApi } from '../../test/support/api-harness';
import { certEnv, waitForCertificate, type CertificateBody } from '../../test/support/certificates';
import { startWorker, type WorkerProcess } from '../../test/support/worker-process';
import { changesLoggedAt, queryDns, zoneNamesUnder } from '../../test/support/zone';

jest.setTimeout(120_000);

/**
 * The worker orders through a proxy in front of Pebble that records every ACME request, so the
 * tests see whether an order reached the CA. Pebble itself does not check CAA: the worker's
 * pre-check is all that stands between a forbidding CAA record and an order.
 */
describe('the CAA pre-check before a certificate order', () => {
  let api: ApiHarness;
  let worker: WorkerProcess;
  let ca: CaProxy;

  beforeAll(async () => {
    const { pebble } = testStack();
    api = await startApi({ env: certEnv() });
    ca = await startCaProxy({ directoryUrl: pebble.directoryUrl, caCertPath: pebble.caCertPath });
    // The default CERT_CAA_IDENTITIES: letsencrypt.org.
    worker = await startWorker({ ...api.env, ACME_DIRECTORY_URL: ca.directoryUrl });
  });

  afterAll(async () => {
    await worker?.stop();
    await ca?.close();
    await api?.close();
  });

  /** Publishes a CAA record through the api and waits until DNS answers it. */
  async function publishCaa(token: string, name: string, value: string): Promise<void> {
    const created = await api.request('POST', '/api/v1/records', {
      token,
      body: { name, type: 'CAA', value },
    });
    expect(created.status).toBe(202);
    const { fqdn } = created.json as { fqdn: string };
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if ((await queryDns(fqdn, 'CAA')).data.includes(value)) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`CAA ${value} at ${fqdn} never answered\nworker:\n${worker.output()}`);
  }

  async function order(token: string): Promise<string> {
    const ordered = await api.request('POST', '/api/v1/certificates', { token, body: {} });
    expect(ordered.status).toBe(202);
    return (ordered.json as CertificateBody).id;
  }

  /** ACME newOrder requests whose identifiers include `name`. */
  /**
   * newOrder requests for `name` that reached the CA; with `accepted`, only those it took (201):
   * Pebble refuses a share of nonces on purpose, and acme-client sends the order again then.
   */
  function ordersFor(name: string, { accepted = false } = {}): number {
    return ca
      .requests('newOrder')
      .filter((request) => JSON.stringify(request.payload).includes(name))
      .filter((request) => !accepted || request.status === 201).length;
  }

  it('ends the order failed before any order or challenge record when CAA names another CA', async () => {
    const frank = uniqueId('frank');
    const token = await api.token(frank);
    const name = `${frank}.${api.config.rootDomain}`;
    await publishCaa(token, '@', '0 issue "other-ca.example"');

    const id = await order(token);
    const failed = await waitForCertificate(api, token, id, 'failed', worker);
    expect(failed.statusReason).toBe(
      `CAA at ${name} forbids the CA letsencrypt.org to issue for ${name}: it allows only ` +
        '0 issue "other-ca.example". Nothing was ordered: change or delete that CAA record, then order again',
    );
    // Refused at once, not retried: one attempt of the first step.
    expect(failed.steps?.find((step) => step.step === 'create-acme-order')).toMatchObject({
      state: 'failed',
      attempts: 1,
    });
    // Route 53 never got the challenge record (the emulator logs every accepted change)...
    expect(await changesLoggedAt(`_acme-challenge.${name}`)).toEqual([]);
    // ...and the CA never got an order.
    expect(ordersFor(name)).toBe(0);
    expect(await zoneNamesUnder(`_acme-challenge.${name}`)).toEqual([]);
  });

  it('refuses only the wildcard when issuewild forbids it, before ordering either name', async () => {
    const grace = uniqueId('grace');
    const token = await api.token(grace);
    const name = `${grace}.${api.config.rootDomain}`;
    await publishCaa(token, '@', '0 issuewild ";"');

    const failed = await waitForCertificate(api, token, await order(token), 'failed', worker);
    expect(failed.statusReason).toMatch(
      new RegExp(
        `^CAA at ${name.replace(/\./g, '\\.')} forbids the CA letsencrypt\\.org to issue for \\*\\.${name.replace(/\./g, '\\.')}: it allows only 0 issuewild ";"\\.`,
      ),
    );
    expect(ordersFor(name)).toBe(0);
    expect(await changesLoggedAt(`_acme-challenge.${name}`)).toEqual([]);
  });

  it('issues normally when CAA names the configured CA', async () => {
    const heidi = uniqueId('heidi');
    const token = await api.token(heidi);
    const name = `${heidi}.${api.config.rootDomain}`;
    await publishCaa(token, '@', '0 issue "letsencrypt.org"');

    const issued = await waitForCertificate(api, token, await order(token), 'issued', worker);
    expect(issued.steps?.map((step) => step.state)).toEqual(Array(6).fill('completed'));
    expect(ordersFor(name, { accepted: true })).toBe(1);
    // The change log that shows nothing above does see a challenge record written and removed.
    expect(await changesLoggedAt(`_acme-challenge.${name}`)).toEqual(['UPSERT TXT', 'DELETE TXT']);
  });
});
