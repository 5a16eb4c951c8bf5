import { MailDevInbox, messageIdOf, pebbleCertStatus, signInWithDevIdp } from '@starchart/testing';
import { generateKeyPair, SignJWT } from 'jose';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, look, newPerson, shows, signIn, until } from './support/browser';
import { type Portal, startPortal } from './support/portal';

// A person's whole visit, in a real browser (Debian's chromium) against the built web app, api
// and worker on the test stack: sign-in through the dev-idp's own login page, records going live,
// the certificate issued by Pebble, then revoked; bob's SRV and CAA records and his order queued
// behind a budget of one new certificate a week. The tests run in order and build on each other,
// like a visit.
jest.setTimeout(120_000);

const RECORD_TIMEOUT = 30_000;
const CERTIFICATE_TIMEOUT = 90_000;
const DAY_MS = 86_400_000;

/** The text of what has the focus; none when the focus was lost to the page's body. */
const focusedText = (page: Page) =>
  page.evaluate(() => {
    const focused = document.activeElement;
    return focused && focused !== document.body ? (focused.textContent ?? '') : '';
  });

describe('the web portal in a browser', () => {
  let portal: Portal;
  let browser: Browser;
  let alice: BrowserContext;
  let page: Page;
  /** Serious or critical axe-core findings of every page looked at; none is the bar. */
  const findings: string[] = [];
  let recordUrl = '';
  /** Alice's certificate, as Pebble knows it: its serial (hex). */
  let serial = '';
  let bob: BrowserContext;
  let bobPage: Page;

  const fqdnOf = (username: string, name: string) =>
    name === '@' ? `${username}.${portal.rootDomain}` : `${name}.${username}.${portal.rootDomain}`;
  const fqdn = (name: string) => fqdnOf('alice', name);
  const dig = async (name: string, type = 'A'): Promise<string> => {
    const { stdout } = await promisify(execFile)('dig', [
      '@127.0.0.1',
      '-p',
      String(portal.stack.emulator.dnsPort),
      '+short',
      '+time=2',
      '+tries=1',
      name,
      type,
    ]);
    return stdout.trim();
  };
  const see = async (target: Page, name: string) => findings.push(...(await look(target, name)));

  beforeAll(async () => {
    [portal, browser] = await Promise.all([
      // One new certificate a week: alice's order is admitted, bob's waits in the queue.
      startPortal({ env: { CERT_BUDGET_NEW_PER_WEEK: '1' } }),
      launchBrowser(),
    ]);
    alice = await newPerson(browser);
    page = await alice.newPage();
  }, 120_000);

  afterAll(async () => {
    await bob?.close();
    await browser?.close();
    await portal?.close();
  });

  it('keeps a wrong password on the login page with an error', async () => {
    await page.goto(portal.webUrl);
    await see(page, '01-welcome');
    await signIn(page, 'alice', 'not-her-password');
    await shows(page.getByRole('alert'), 'Sign-in failed');
    expect(page.url().startsWith(portal.stack.devIdp.issuer)).toBe(true);
    expect(await page.getByLabel('Username').inputValue()).toBe('alice');
    await see(page, '02-login-failed');
  });

  it('signs alice in through the login page and greets her', async () => {
    await page.getByLabel('Password').fill('alice-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await shows(page.getByRole('heading', { level: 1 }), 'Hello');
    await shows(page.getByRole('heading', { name: 'Next steps' }));
    expect(page.url().startsWith(portal.webUrl)).toBe(true);
    // Only admins see the Admin entry.
    expect(await page.getByRole('link', { name: 'Admin' }).count()).toBe(0);
    await see(page, '03-dashboard');
  });

  it('orders her certificate and shows its steps advancing live', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Certificate' })
      .click();
    await shows(page.getByText('Not ordered'));
    await see(page, '04-certificate-none');
    await page.getByRole('button', { name: 'Order my certificate' }).click();
    const steps = page.getByRole('list', { name: 'Steps of the certificate order' });
    await shows(steps);
    // The Order button is gone: the focus is on the order's status, not lost.
    expect(await focusedText(page)).toContain('Pending');
    // The first step finishes while the page is open: progress comes from the event stream.
    await shows(steps.getByRole('listitem').first(), 'done', CERTIFICATE_TIMEOUT);
    await see(page, '05-certificate-pending');
    // It goes on in the worker while alice works on her records.
  });

  it('shows her empty records page', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Records' })
      .click();
    await shows(page.getByRole('heading', { name: 'Records', level: 1 }));
    await shows(page.getByText(/no records yet/i));
    await see(page, '06-records-empty');
  });

  it('creates www A 192.0.2.10 and sees it go active live; DNS answers', async () => {
    await page
      .getByRole('link', { name: /new record/i })
      .first()
      .click();
    await shows(page.getByRole('heading', { name: 'New record' }));
    await see(page, '07-record-new');
    await page.getByLabel('Name').fill('www');
    await page.getByLabel('Type').selectOption('A');
    await page.getByLabel('IPv4 address').fill('192.0.2.10');
    await page.getByRole('button', { name: 'Create record' }).click();

    await shows(page.getByRole('heading', { name: fqdn('www') }));
    recordUrl = page.url();
    const steps = page.getByRole('list', { name: `Progress of ${fqdn('www')}` });
    await shows(steps);
    await shows(page.locator('.record-status'), 'Active', RECORD_TIMEOUT);
    // Every step is done, without a reload.
    await until(
      'four steps done',
      async () => (await steps.getByText('done', { exact: true }).count()) === 4,
    );
    expect(page.url()).toBe(recordUrl);
    await see(page, '08-record-active');
    expect(await dig(fqdn('www'))).toBe('192.0.2.10');
  });

  it('explains refused input next to its field, and a taken name in words', async () => {
    await page.goto(`${portal.webUrl}/records/new`);
    await page.getByLabel('Name').fill('www');
    await page.getByLabel('IPv4 address').fill('192.0.2.300');
    await page.getByRole('button', { name: 'Create record' }).click();
    // The browser's copy of the api's rules: nothing was sent.
    const value = page.getByLabel('IPv4 address');
    await until(
      'the value marked invalid',
      async () => (await value.getAttribute('aria-invalid')) === 'true',
    );
    await see(page, '09-record-form-invalid');

    await value.fill('192.0.2.20');
    await page.getByRole('button', { name: 'Create record' }).click();
    // The api's answer: the name is alice's www already.
    await shows(page.locator('#form-summary'), 'That name is already taken');
    expect(await page.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');
    await see(page, '10-record-form-taken');
  });

  it('edits the value; DNS answers the new one', async () => {
    await page.goto(recordUrl);
    await page.getByRole('link', { name: 'Edit' }).click();
    await shows(page.getByRole('heading', { name: `Edit ${fqdn('www')}` }));
    await see(page, '11-record-edit');
    await page.getByLabel('IPv4 address').fill('192.0.2.11');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await shows(page.getByRole('heading', { name: fqdn('www') }));
    await shows(page.locator('.details__value'), '192.0.2.11');
    await shows(page.locator('.record-status'), 'Active', RECORD_TIMEOUT);
    expect(await dig(fqdn('www'))).toBe('192.0.2.11');
  });

  it('keeps what she typed when the api refuses her token, across a new sign-in', async () => {
    await page.goto(`${portal.webUrl}/records/new`);
    await page.getByLabel('Name').fill('draft');
    await page.getByLabel('IPv4 address').fill('192.0.2.77');
    // The token goes bad (revoked, or signed with a rotated key): the api answers 401.
    await page.evaluate(() => {
      for (const key of Object.keys(sessionStorage)) {
        if (!key.startsWith('oidc.user:')) continue;
        const user = JSON.parse(sessionStorage.getItem(key) ?? '{}') as Record<string, unknown>;
        sessionStorage.setItem(key, JSON.stringify({ ...user, access_token: 'no.longer.valid' }));
      }
    });
    const refused = page.waitForResponse(
      (response) => response.url().endsWith('/api/v1/records') && response.status() === 401,
    );
    await page.getByRole('button', { name: 'Create record' }).click();
    await refused;
    // Off to the provider (still signed in there) and back to the same form, as it was.
    await page.waitForURL(`${portal.webUrl}/records/new`);
    await shows(page.getByRole('heading', { name: 'New record' }));
    expect(await page.getByLabel('Name').inputValue()).toBe('draft');
    expect(await page.getByLabel('IPv4 address').inputValue()).toBe('192.0.2.77');
    await page.getByLabel('Name').fill('');
  });

  it('shows the quota message for her 11th record', async () => {
    const { access_token: token } = await signInWithDevIdp(portal.stack, 'alice');
    for (let n = 2; n <= 10; n += 1) {
      const response = await fetch(`${portal.apiUrl}/api/v1/records`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: `host${n}`, type: 'A', value: `192.0.2.${n}` }),
      });
      expect(response.status).toBe(202);
    }
    await page.goto(`${portal.webUrl}/records/new`);
    await page.getByLabel('Name').fill('eleven');
    await page.getByLabel('IPv4 address').fill('192.0.2.111');
    await page.getByRole('button', { name: 'Create record' }).click();
    await shows(page.locator('#form-summary'), 'You have reached your record quota');
    await see(page, '12-record-quota');

    await page.goto(`${portal.webUrl}/records`);
    await shows(page.getByRole('link', { name: fqdn('host10') }));
    // A header row and her ten records.
    expect(await page.getByRole('row').count()).toBe(11);
    await see(page, '13-records-list');
  });

  it('renews a record from the one-click link of an expiry mail, once', async () => {
    await page.goto(`${portal.webUrl}/records`);
    const href = (await page
      .getByRole('link', { name: fqdn('host2'), exact: true })
      .getAttribute('href')) as string;
    const { access_token: token } = await signInWithDevIdp(portal.stack, 'alice');
    const expiresAt = async () =>
      (
        (await (
          await fetch(`${portal.apiUrl}/api/v1${href}`, {
            headers: { Authorization: `Bearer ${token}` },
          })
        ).json()) as { expiresAt: string }
      ).expiresAt;
    const before = await expiresAt();
    await page.goto(`${portal.webUrl}${href}?renew=1`);
    await shows(page.getByText(/Renewed: the record now expires on/));
    // The address no longer asks: a reload does not renew again.
    await until('the renew flag gone from the address', async () => !page.url().includes('renew'));
    expect(new Date(await expiresAt()).getTime()).toBeGreaterThan(new Date(before).getTime());
    await see(page, '13a-record-renewed');
  });

  it('turns a kind of mail off in the mail settings, and keeps it off', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Mail settings' })
      .click();
    const expiring = page.getByLabel('One of my records expires soon');
    await until('the settings loaded', async () => (await expiring.count()) === 1);
    expect(await expiring.isChecked()).toBe(true);
    await see(page, '13b-mail-settings');
    await expiring.uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await shows(page.getByRole('status'), 'Saved.');
    await page.reload();
    await until('the settings reloaded', async () => (await expiring.count()) === 1);
    expect(await expiring.isChecked()).toBe(false);
    expect(await page.getByLabel('One of my records expired and was removed').isChecked()).toBe(
      true,
    );
  });

  it('deletes www after confirming: deleting, then gone from the page and from DNS', async () => {
    await page.goto(recordUrl);
    await page.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: `Delete ${fqdn('www')}?` });
    await shows(dialog);
    await see(page, '14-record-delete-confirm');
    await dialog.getByRole('button', { name: 'Delete record' }).click();
    await shows(page.locator('.record-status'), 'Deleting');
    await shows(page.getByRole('heading', { name: 'Record deleted' }), undefined, RECORD_TIMEOUT);
    await see(page, '15-record-deleted');
    expect(await dig(fqdn('www'))).toBe('');
    await page.goto(`${portal.webUrl}/records`);
    await shows(page.getByRole('link', { name: fqdn('host10') }));
    expect(await page.getByRole('link', { name: fqdn('www') }).count()).toBe(0);
  });

  it('works with the keyboard alone: the skip link first, a record created without a mouse', async () => {
    await page.goto(`${portal.webUrl}/records/new`);
    await shows(page.getByRole('heading', { name: 'New record' }));
    const focused = () =>
      page.evaluate(() => ({
        id: document.activeElement?.id ?? '',
        text: document.activeElement?.textContent ?? '',
      }));
    await page.keyboard.press('Tab');
    expect((await focused()).text).toBe('Skip to content');
    await page.keyboard.press('Enter');
    const tabTo = async (id: string) => {
      for (let presses = 0; presses < 15; presses += 1) {
        if ((await focused()).id === id) return;
        await page.keyboard.press('Tab');
      }
      throw new Error(`Tab never reached #${id}`);
    };
    await tabTo('record-name');
    await page.keyboard.type('kbd');
    await tabTo('record-value');
    await page.keyboard.type('192.0.2.60');
    await page.keyboard.press('Enter');
    await shows(page.getByRole('heading', { name: fqdn('kbd') }));
    await shows(page.locator('.record-status'), 'Active', RECORD_TIMEOUT);
  });

  it('shows her certificate issued and hands out a full chain with her two names', async () => {
    await page.goto(`${portal.webUrl}/certificate`);
    await shows(page.getByText('Issued'), undefined, CERTIFICATE_TIMEOUT);
    await shows(page.getByRole('heading', { name: 'Validity' }));
    await see(page, '16-certificate-issued');

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: /Full chain/ }).click();
    const file = await (await download).path();
    const pem = await readFile(file, 'utf8');
    const leaf = new X509Certificate(pem);
    serial = leaf.serialNumber;
    expect(leaf.subjectAltName?.split(', ').sort()).toEqual(
      [`DNS:*.alice.${portal.rootDomain}`, `DNS:alice.${portal.rootDomain}`].sort(),
    );
    expect(pem.match(/BEGIN CERTIFICATE/g)?.length).toBeGreaterThanOrEqual(2);

    // And she hears of it: one mail about this certificate, linking to its page in the portal.
    const { access_token: token } = await signInWithDevIdp(portal.stack, 'alice');
    const listed = (await (
      await fetch(`${portal.apiUrl}/api/v1/certificates`, {
        headers: { Authorization: `Bearer ${token}` },
      })
    ).json()) as { items: { id: string }[] };
    const certificateId = listed.items[0]?.id ?? 'none';
    const address =
      portal.stack.devIdp.users.find((user) => user.username === 'alice')?.email ?? '';
    const inbox = new MailDevInbox(portal.stack.mail.webUrl);
    const aboutIt = async () =>
      (await inbox.mails([address])).filter((mail) =>
        messageIdOf(mail)?.includes(`certificate-issued-${certificateId}`),
      );
    await until('the certificate mail', async () => (await aboutIt()).length > 0);
    const mails = await aboutIt();
    expect(mails).toHaveLength(1);
    expect(mails[0]?.text).toContain(`${portal.webUrl}/certificate`);
  });

  it('deletes her certificate: Revoking…, then gone; the CA has it revoked (cessationOfOperation)', async () => {
    expect(await pebbleCertStatus(serial, portal.stack)).toMatchObject({ Status: 'Valid' });
    await page.goto(`${portal.webUrl}/certificate`);
    await shows(page.getByText('Issued'));
    await page.getByRole('button', { name: 'Delete my certificate' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete your certificate?' });
    await shows(dialog);
    await see(page, '16a-certificate-delete-confirm');

    // The page learns that it is gone from its event stream: held back until the Revoking…
    // state has been looked at, so that a quick CA cannot hide it.
    const events = `${portal.apiUrl}/api/v1/certificates/*/events`;
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(events, async (route) => {
      await held;
      await route.continue();
    });
    await dialog.getByRole('button', { name: 'Revoke and delete' }).click();
    await shows(page.getByRole('heading', { name: 'Revoking…' }));
    await shows(page.getByRole('list', { name: 'Steps of the certificate delete' }));
    // The button that asked went with the dialog: the focus is on what happens now.
    expect(await focusedText(page)).toBe('Revoking…');
    await see(page, '16b-certificate-revoking');
    release();
    await shows(
      page.getByRole('status'),
      'Your certificate was revoked at the certificate authority and deleted.',
      CERTIFICATE_TIMEOUT,
    );
    await page.unroute(events);
    await shows(page.getByRole('button', { name: 'Order my certificate' }));
    expect(await focusedText(page)).toBe(
      'Your certificate was revoked at the certificate authority and deleted.',
    );
    await see(page, '16c-certificate-revoked-and-deleted');
    // Pebble's own word: revoked, reason 5 (cessationOfOperation).
    expect(await pebbleCertStatus(serial, portal.stack)).toMatchObject({
      Status: 'Revoked',
      Reason: 5,
    });
  });

  it('shows "not found" for a page that does not exist', async () => {
    await page.goto(`${portal.webUrl}/no/such/page`);
    await shows(page.getByRole('heading', { name: 'Not found' }));
    await see(page, '17-not-found');
  });

  it('says so when the api cannot be reached', async () => {
    await page.route(`${portal.apiUrl}/**`, (route) => route.abort('connectionrefused'));
    await page.goto(`${portal.webUrl}/records`);
    await shows(page.getByRole('heading', { name: 'Starchart cannot be reached' }));
    await see(page, '18-api-unreachable');
    await page.unroute(`${portal.apiUrl}/**`);
  });

  it('shows bob none of alice’s records, and alice’s record as not found', async () => {
    bob = await newPerson(browser);
    bobPage = await bob.newPage();
    await bobPage.goto(portal.webUrl);
    await signIn(bobPage, 'bob', 'bob-password');
    await shows(bobPage.getByRole('heading', { level: 1 }), 'Hello');
    await bobPage.goto(`${portal.webUrl}/records`);
    await shows(bobPage.getByText(/no records yet/i));
    await page.goto(`${portal.webUrl}/records`);
    const aliceRecord = (await page
      .getByRole('link', { name: fqdn('host10'), exact: true })
      .getAttribute('href')) as string;
    await bobPage.goto(`${portal.webUrl}${aliceRecord}`);
    await shows(bobPage.getByRole('heading', { name: 'Not found' }));
  });

  it('has bob publish an SRV record with the keyboard alone: a port out of range is marked at its field, then DNS answers', async () => {
    await bobPage.goto(`${portal.webUrl}/records/new`);
    await shows(bobPage.getByRole('heading', { name: 'New record' }));
    // From the name on, every field by Tab and typing (the skip link is alice's test).
    const at = async (id: string) =>
      expect(await bobPage.evaluate(() => document.activeElement?.id)).toBe(id);
    const next = async (id: string, text: string) => {
      await bobPage.keyboard.press('Tab');
      await at(id);
      // Over what the form prefilled (priority 10, weight 0).
      await bobPage.keyboard.press('ControlOrMeta+A');
      await bobPage.keyboard.type(text);
    };
    await bobPage.getByLabel('Name', { exact: true }).focus();
    await bobPage.keyboard.type('_sip._tcp');
    await bobPage.keyboard.press('Tab');
    await at('record-type');
    // A closed select takes the option's first letters.
    await bobPage.keyboard.type('SRV');
    expect(await bobPage.getByLabel('Type').inputValue()).toBe('SRV');
    await next('record-value', 'sip.example.com');
    await next('record-priority', '10');
    await next('record-weight', '5');
    await next('record-port', '70000');
    await bobPage.keyboard.press('Enter');
    const port = bobPage.getByLabel('Port');
    // Marked, explained next to the field and focused, before anything is sent.
    await until(
      'the port marked invalid',
      async () => (await port.getAttribute('aria-invalid')) === 'true',
    );
    await shows(bobPage.locator('#record-port-error'), 'must be at most 65535');
    expect(await bobPage.evaluate(() => document.activeElement?.id)).toBe('record-port');
    await see(bobPage, '18a-srv-form-port-out-of-range');

    // The focus is on the port already: put it right and send again.
    await bobPage.keyboard.press('ControlOrMeta+A');
    await bobPage.keyboard.type('5060');
    await bobPage.keyboard.press('Enter');
    await shows(bobPage.getByRole('heading', { name: fqdnOf('bob', '_sip._tcp') }));
    await shows(bobPage.locator('.record-status'), 'Active', RECORD_TIMEOUT);
    // Which number is which, by name.
    const named = (term: string) => bobPage.locator('dt', { hasText: term }).locator('+ dd');
    expect(await named('Port').textContent()).toBe('5060');
    expect(await named('Weight').textContent()).toBe('5');
    await see(bobPage, '18b-srv-record-active');
    expect(await dig(fqdnOf('bob', '_sip._tcp'), 'SRV')).toBe('10 5 5060 sip.example.com.');
  });

  it('has bob publish a CAA record for his own name: an unquoted value is marked, then DNS answers', async () => {
    await bobPage.goto(`${portal.webUrl}/records/new`);
    await shows(bobPage.getByRole('heading', { name: 'New record' }));
    await bobPage.getByLabel('Type').selectOption('CAA');
    await bobPage.getByLabel('Name', { exact: true }).fill('@');
    const policy = bobPage.getByLabel('CAA policy');
    await policy.fill('0 issue letsencrypt.org');
    await bobPage.getByRole('button', { name: 'Create record' }).click();
    await until(
      'the policy marked invalid',
      async () => (await policy.getAttribute('aria-invalid')) === 'true',
    );
    await shows(bobPage.locator('#record-value-error'), 'double quotes');
    await see(bobPage, '18c-caa-form-value-unquoted');

    await policy.fill('0 issue "letsencrypt.org"');
    await bobPage.getByRole('button', { name: 'Create record' }).click();
    await shows(bobPage.getByRole('heading', { name: fqdnOf('bob', '@') }));
    await shows(bobPage.locator('.record-status'), 'Active', RECORD_TIMEOUT);
    await see(bobPage, '18d-caa-record-active');
    expect(await dig(fqdnOf('bob', '@'), 'CAA')).toBe('0 issue "letsencrypt.org"');

    await bobPage.goto(`${portal.webUrl}/records`);
    await shows(bobPage.getByRole('link', { name: fqdnOf('bob', '@'), exact: true }));
    await see(bobPage, '18e-records-srv-and-caa');
  });

  it('queues bob’s order beyond the week’s budget: Queued, his place and an estimated start; he withdraws it', async () => {
    await bobPage
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Certificate' })
      .click();
    await bobPage.getByRole('button', { name: 'Order my certificate' }).click();
    const queued = bobPage.getByRole('status').filter({ hasText: 'Queued — place 1' });
    await shows(queued);
    expect(await focusedText(bobPage)).toContain('Queued');

    // The api's answer, as the page shows it: alice's order took the week's one new certificate,
    // so bob's starts when hers leaves the 7-day window.
    const { access_token: token } = await signInWithDevIdp(portal.stack, 'bob');
    const [mine] = (
      (await (
        await fetch(`${portal.apiUrl}/api/v1/certificates`, {
          headers: { Authorization: `Bearer ${token}` },
        })
      ).json()) as {
        items: { status: string; queue: { place: number; estimatedStartAt: string } | null }[];
      }
    ).items;
    expect(mine).toMatchObject({ status: 'queued', queue: { place: 1 } });
    const startsIn = new Date(mine?.queue?.estimatedStartAt ?? 0).getTime() - Date.now();
    expect(startsIn).toBeGreaterThan(6 * DAY_MS);
    expect(startsIn).toBeLessThanOrEqual(7 * DAY_MS);
    const shown = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });
    await shows(
      queued,
      `estimated start ${shown.format(new Date(mine?.queue?.estimatedStartAt ?? 0))}`,
    );
    await see(bobPage, '18f-certificate-queued');

    // Still queued on a later visit: the queue is the api's, not the page's.
    await bobPage.reload();
    await shows(bobPage.getByRole('status').filter({ hasText: 'Queued — place 1' }));
    expect(
      await bobPage.getByRole('list', { name: 'Steps of the certificate order' }).count(),
    ).toBe(0);

    // His dashboard says where he stands too.
    const nav = bobPage.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Dashboard' }).click();
    await shows(bobPage.getByText('Place 1 in the queue, estimated start'));
    await see(bobPage, '18g-dashboard-certificate-queued');

    // He changes his mind: the order leaves the queue, and nothing is left of it.
    await nav.getByRole('link', { name: 'Certificate' }).click();
    await bobPage.getByRole('button', { name: 'Withdraw my order' }).click();
    const dialog = bobPage.getByRole('dialog', { name: 'Withdraw your order?' });
    await shows(dialog);
    await dialog.getByRole('button', { name: 'Withdraw the order' }).click();
    await shows(
      bobPage.getByRole('status'),
      'Your order was withdrawn from the queue.',
      CERTIFICATE_TIMEOUT,
    );
    expect(await focusedText(bobPage)).toBe('Your order was withdrawn from the queue.');
    await see(bobPage, '18h-certificate-order-withdrawn');
    const after = await fetch(`${portal.apiUrl}/api/v1/certificates`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(((await after.json()) as { items: unknown[] }).items).toEqual([]);
  });

  it('gives the admin a console: find alice, raise her quota, lock and unlock her', async () => {
    const admin = await newPerson(browser);
    try {
      const console = await admin.newPage();
      await console.goto(portal.webUrl);
      await signIn(console, 'admin', 'admin-password');
      await console.getByRole('link', { name: 'Admin' }).click();
      await shows(console.getByRole('heading', { name: 'Admin', level: 1 }));
      await see(console, '19-admin-home');

      await console.getByRole('link', { name: 'Find a person' }).click();
      await console.getByLabel('Find a person').fill('ali');
      await console.getByRole('link', { name: 'alice', exact: true }).click();
      await shows(console.getByRole('heading', { name: 'alice', level: 1 }));
      await shows(console.getByRole('heading', { name: 'Latest flows' }));
      await see(console, '20-admin-person');

      // One more record for her: the 11th she was refused goes through now.
      await console.getByLabel('Records they may have').fill('11');
      await console.getByRole('button', { name: 'Save quota' }).click();
      const { access_token: token } = await signInWithDevIdp(portal.stack, 'alice');
      await until('the quota saved', async () => {
        const response = await fetch(`${portal.apiUrl}/api/v1/records?limit=1`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        return ((await response.json()) as { quota?: number }).quota === 11;
      });

      await console
        .getByLabel('Reason, shown to them with every refused change')
        .fill('Phishing report #42');
      await console.getByRole('button', { name: 'Lock alice…' }).click();
      await console
        .getByRole('dialog', { name: 'Lock alice?' })
        .getByRole('button', { name: 'Lock alice' })
        .click();
      await shows(console.getByRole('button', { name: 'Unlock alice' }));

      // Alice's next change is refused with the reason, in words.
      await page.goto(`${portal.webUrl}/records/new`);
      await page.getByLabel('Name').fill('eleven');
      await page.getByLabel('IPv4 address').fill('192.0.2.111');
      await page.getByRole('button', { name: 'Create record' }).click();
      await shows(page.locator('#form-summary'), 'Phishing report #42');
      await see(page, '21-record-refused-locked');

      await console.getByRole('button', { name: 'Unlock alice' }).click();
      await shows(console.getByRole('button', { name: 'Lock alice…' }));
      await page.getByRole('button', { name: 'Create record' }).click();
      await shows(page.getByRole('heading', { name: fqdn('eleven') }));

      await console.goto(`${portal.webUrl}/admin/records`);
      await shows(console.getByRole('heading', { name: 'Records of everyone' }));
      await shows(console.getByRole('link', { name: fqdn('eleven'), exact: true }));
      await see(console, '22-admin-records');

      await console.goto(`${portal.webUrl}/admin/audit`);
      await shows(console.getByRole('cell'), 'Phishing report #42');
      await see(console, '23-admin-audit');
    } finally {
      await admin.close();
    }
  });

  it('renews her token before it expires, without a new sign-in', async () => {
    const context = await newPerson(browser);
    try {
      const tab = await context.newPage();
      await tab.goto(portal.webUrl);
      await signIn(tab, 'alice', 'alice-password');
      await shows(tab.getByRole('heading', { name: 'Next steps' }));
      const accessToken = () =>
        tab.evaluate(() => {
          const key = Object.keys(sessionStorage).find((k) => k.startsWith('oidc.user:'));
          return key
            ? (JSON.parse(sessionStorage.getItem(key) ?? '{}') as { access_token?: string })
                .access_token
            : undefined;
        });
      const first = await accessToken();
      expect(first).toBeDefined();
      // The page's clock runs nine of the token's ten minutes ahead: the renewal a minute
      // before expiry fires and trades the refresh token for a new access token.
      await context.clock.install();
      await tab.reload();
      await shows(tab.getByRole('heading', { name: 'Next steps' }));
      await tab.clock.fastForward('09:10');
      await until('a new access token', async () => {
        const current = await accessToken();
        return current !== undefined && current !== first;
      });
      // Still signed in, and the api takes the new token.
      await tab
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Records' })
        .click();
      await shows(tab.getByRole('link', { name: fqdn('host10'), exact: true }));
    } finally {
      await context.close();
    }
  });

  it('signs alice out: the next visit asks for her password again', async () => {
    await page.goto(portal.webUrl);
    await page.getByRole('button', { name: 'Sign out' }).click();
    // The provider asks to confirm, as a real one does.
    await page.waitForURL(`${portal.stack.devIdp.issuer}/**`);
    await see(page, '24-provider-sign-out');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await shows(page.getByRole('button', { name: 'Sign in' }));
    await see(page, '25-signed-out');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await shows(page.getByLabel('Password'));
  });

  it('refuses tokens of another issuer or for another audience', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ roles: [] })
      .setProtectedHeader({ alg: 'RS256', kid: 'foreign' })
      .setSubject('alice')
      .setIssuer('https://login.example.org')
      .setAudience(portal.stack.devIdp.audience)
      .setExpirationTime('5m')
      .sign(privateKey);
    const answer = await fetch(`${portal.apiUrl}/api/v1/records`, {
      headers: { Authorization: `Bearer ${forged}` },
    });
    expect(answer.status).toBe(401);
  });

  it('finds no serious or critical accessibility violation on any page', async () => {
    expect(findings).toEqual([]);
    // The check itself finds them: a field without a label and an image without a text.
    const blank = await alice.newPage();
    await blank.setContent('<main><input type="text"><img src="data:,"></main>');
    const found = await look(blank, 'axe-self-check');
    expect(found.join('\n')).toMatch(/label \(critical\)/);
    expect(found.join('\n')).toMatch(/image-alt \(critical\)/);
    await blank.close();
  });
});
