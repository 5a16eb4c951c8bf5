import { KeyCipher } from '@starchart/cert-flow';
import { type PrivateStack, startPrivateStack, uniqueId } from '@starchart/testing';
import * as acme from 'acme-client';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { type ApiHarness, startApi } from '../support/api-harness';
import { certEnv, TEST_CERT_ENCRYPTION_KEY, waitForCertificate } from '../support/certificates';
import { startWorker, type WorkerProcess } from '../support/worker-process';

jest.setTimeout(120_000);

interface StoredAccount {
  accountUrl: string;
  accountKey: string;
}

/**
 * Pebble is restarted for real (it forgets every account, as after `npm start` is stopped and
 * started again with the dev data kept), so these tests run on a stack of their own.
 */
describe('certificates when the CA forgets or deactivates the ACME account', () => {
  let stack: PrivateStack;
  let api: ApiHarness;
  let worker: WorkerProcess;
  const cipher = new KeyCipher(TEST_CERT_ENCRYPTION_KEY, []);

  beforeAll(async () => {
    stack = await startPrivateStack(`${uniqueId('acme')}.test`);
    api = await startApi({ stack: stack.state, env: certEnv(stack.state) });
    worker = await startWorker(api.env);
  });

  afterAll(async () => {
    await worker?.stop();
    await api?.close();
    await stack?.down();
  });

  async function orderAndWait(): Promise<void> {
    const token = await api.token(uniqueId('acct'));
    const ordered = await api.request('POST', '/api/v1/certificates', { token, body: {} });
    expect(ordered.status).toBe(202);
    const { id } = ordered.json as { id: string };
    await waitForCertificate(api, token, id, 'issued', worker);
  }

  async function storedAccount(): Promise<StoredAccount> {
    const rows = (await api.sql(
      'SELECT account_url, account_key_encrypted FROM acme_accounts',
    )) as {
      account_url: string;
      account_key_encrypted: string;
    }[];
    expect(rows).toHaveLength(1);
    const [row] = rows;
    if (!row) throw new Error('no stored ACME account');
    return { accountUrl: row.account_url, accountKey: cipher.decrypt(row.account_key_encrypted) };
  }

  it('issues an order after Pebble restarted and forgot the account, registering the stored key again', async () => {
    await orderAndWait();
    const before = await storedAccount();

    await stack.stop('pebble');
    await stack.start('pebble');
    await orderAndWait();

    const after = await storedAccount();
    expect(after.accountKey).toBe(before.accountKey);
    expect(after.accountUrl).not.toBe(before.accountUrl);
    expect(worker.output()).toContain(`refused the ACME account ${before.accountUrl}`);
  });

  it('issues an order after the account was deactivated, registering a new key', async () => {
    const before = await storedAccount();
    const agent = new Agent({ ca: readFileSync(stack.state.pebble.caCertPath) });
    try {
      const client = new acme.Client({
        directoryUrl: stack.state.pebble.directoryUrl,
        accountKey: before.accountKey,
        accountUrl: before.accountUrl,
      });
      // acme-client's own axios, in this test process only.
      acme.axios.defaults.httpsAgent = agent;
      expect(await client.updateAccount({ status: 'deactivated' })).toMatchObject({
        status: 'deactivated',
      });
    } finally {
      agent.destroy();
    }

    await orderAndWait();

    const after = await storedAccount();
    expect(after.accountKey).not.toBe(before.accountKey);
    expect(after.accountUrl).not.toBe(before.accountUrl);
    expect(worker.output()).toContain(`refuses the ACME account ${before.accountUrl} and its key`);
  });

  it('keeps issuing with a configured ACME_ACCOUNT_KEY across worker restarts and a Pebble restart', async () => {
    // An operator's own account key: the first worker registers it, every later one finds the
    // account the CA already has for it, and after a Pebble restart it is registered again.
    const accountKey = (await acme.crypto.createPrivateKey()).toString();
    const keyed = { ...api.env, ACME_ACCOUNT_KEY: accountKey };
    await worker.stop();
    worker = await startWorker(keyed);
    await orderAndWait();
    await worker.stop();
    worker = await startWorker(keyed);
    await orderAndWait();
    await stack.stop('pebble');
    await stack.start('pebble');
    await orderAndWait();
  });
});
