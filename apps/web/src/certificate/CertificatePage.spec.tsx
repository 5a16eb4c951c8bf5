import type { Certificate, CertificateProgressEvent } from '@starchart/api-client';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it } from 'vitest';
import { AtRoute, fakeApi } from '../test-support/fake-api';
import { CertificatePage } from './CertificatePage';

const issued: Certificate = {
  id: '7c0c3d1e-0000-4000-8000-000000000001',
  username: 'alice',
  domains: ['alice.starchart.test', '*.alice.starchart.test'],
  status: 'issued',
  statusReason: null,
  validFrom: '2026-12-01T10:00:00.000Z',
  validTo: '2027-03-01T10:00:00.000Z',
  queue: null,
  createdAt: '2026-12-01T10:00:00.000Z',
  updatedAt: '2026-12-01T10:00:00.000Z',
};
const path = `/api/v1/certificates/${issued.id}`;
// findBy* waits 1 s by default; a loaded machine (npm test runs everything) needs longer.
const SLOW = { timeout: 5_000 };

/** The page over a fake api holding `certificate` (null once deleted); DELETE answers deleting. */
function certificateApi(initial: Certificate) {
  let current: Certificate | null = initial;
  let finishDelete!: () => void;
  // Whenever the page starts following, it sees the end only once the test says so.
  const deleteFinished = new Promise<void>((resolve) => (finishDelete = resolve));
  const api = fakeApi({
    'GET /api/v1/certificates': () => ({ status: 200, body: { items: current ? [current] : [] } }),
    [`GET ${path}`]: () => ({ status: 200, body: { ...current, steps: [] } }),
    [`DELETE ${path}`]: () => {
      current = { ...initial, status: 'deleting', updatedAt: '2026-12-07T10:00:00.000Z' };
      return { status: 202, body: current };
    },
  });
  // The event stream of the delete: it ends with done gone once the test releases it.
  api.services.followCertificate = async (
    _id,
    onEvent: (e: CertificateProgressEvent) => void,
    signal?: AbortSignal,
  ) => {
    if (current) onEvent({ event: 'status', data: current });
    await deleteFinished;
    // A page that stopped following (it follows the delete now) hears nothing more, as with fetch.
    if (signal?.aborted) throw new DOMException('The stream was aborted.', 'AbortError');
    current = null;
    return { status: 'gone', statusReason: null, timedOut: false };
  };
  return { ...api, finishDelete };
}

function renderPage(services: ReturnType<typeof certificateApi>['services']) {
  render(
    <AtRoute
      services={services}
      path="/certificate"
      url="/certificate"
      element={<CertificatePage />}
    />,
  );
}

describe('the certificate page', () => {
  // jsdom has no modal dialogs.
  beforeAll(() => {
    HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
      this.open = true;
    };
    HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
      this.open = false;
    };
  });

  it('asks first, shows Revoking… while the worker revokes it, then the certificate gone', async () => {
    const api = certificateApi(issued);
    renderPage(api.services);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Delete my certificate' }, SLOW));
    await user.click(await screen.findByRole('button', { name: 'Revoke and delete' }, SLOW));

    const revoking = await screen.findByRole('heading', { name: 'Revoking…' }, SLOW);
    // The button that asked went with the dialog: focus is on what happens now, not lost.
    expect(document.activeElement).toBe(revoking);
    expect(api.sent.filter((request) => request.method === 'DELETE')).toEqual([
      { method: 'DELETE', path, body: undefined, query: '?force=false' },
    ]);

    api.finishDelete();
    const gone = await screen.findByText(
      'Your certificate was revoked at the certificate authority and deleted.',
      {},
      SLOW,
    );
    expect(document.activeElement).toBe(gone);
    expect(screen.getByRole('button', { name: 'Order my certificate' })).toBeTruthy();
  });

  it('shows a refused revocation with the CA’s answer, and deletes without revoking on request', async () => {
    const reason =
      'Not deleted: the CA did not revoke the certificate: the ACME server answered 403 urn:ietf:params:acme:error:unauthorized';
    const api = certificateApi({ ...issued, status: 'revocation-failed', statusReason: reason });
    renderPage(api.services);
    expect(await screen.findByText(reason, {}, SLOW)).toBeTruthy();
    expect(screen.getByText('Not revoked')).toBeTruthy();
    // Still served meanwhile.
    expect(screen.getByRole('heading', { name: 'Downloads' })).toBeTruthy();

    await userEvent.setup().click(screen.getByRole('button', { name: 'Delete without revoking' }));
    // Not "Revoking…": the person asked for the opposite.
    const deleting = await screen.findByRole('heading', { name: 'Deleting…' }, SLOW);
    expect(document.activeElement).toBe(deleting);
    expect(screen.queryByRole('heading', { name: 'Revoking…' })).toBeNull();
    expect(
      screen.getByText('Your certificate is being deleted without being revoked.'),
    ).toBeTruthy();
    expect(api.sent.filter((request) => request.method === 'DELETE')).toEqual([
      { method: 'DELETE', path, body: undefined, query: '?force=true' },
    ]);

    api.finishDelete();
    expect(
      await screen.findByText(
        /^Your certificate was deleted without being revoked: it stays valid until /,
        {},
        SLOW,
      ),
    ).toBeTruthy();
    expect(screen.queryByText(/revoked at the certificate authority/)).toBeNull();
  });

  it('says a certificate never issued was deleted, not revoked', async () => {
    const failed: Certificate = {
      ...issued,
      status: 'failed',
      statusReason: 'The CA refused the order.',
      validFrom: null,
      validTo: null,
    };
    const api = certificateApi(failed);
    renderPage(api.services);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Delete my certificate' }, SLOW));
    await user.click(await screen.findByRole('button', { name: 'Delete' }, SLOW));
    expect(await screen.findByRole('heading', { name: 'Deleting…' }, SLOW)).toBeTruthy();

    api.finishDelete();
    expect(await screen.findByText('Your certificate was deleted.', {}, SLOW)).toBeTruthy();
  });

  it('puts the focus on the new order’s status once the Order button is gone', async () => {
    let current: Certificate | null = null;
    const api = fakeApi({
      'GET /api/v1/certificates': () => ({
        status: 200,
        body: { items: current ? [current] : [] },
      }),
      'POST /api/v1/certificates': () => {
        current = { ...issued, status: 'pending', validFrom: null, validTo: null };
        return { status: 202, body: current };
      },
    });
    renderPage(api.services);
    await userEvent
      .setup()
      .click(await screen.findByRole('button', { name: 'Order my certificate' }, SLOW));
    await screen.findByRole('list', { name: 'Steps of the certificate order' }, SLOW);
    expect(screen.queryByRole('button', { name: 'Order my certificate' })).toBeNull();
    expect(document.activeElement).toBe(screen.getByText('Pending').closest('[aria-live]'));
  });

  it('withdraws a queued order after asking: Withdrawing…, then the order gone from the queue', async () => {
    const queued: Certificate = {
      ...issued,
      status: 'queued',
      validFrom: null,
      validTo: null,
      queue: { place: 2, estimatedStartAt: '2026-12-08T10:00:00.000Z' },
    };
    const api = certificateApi(queued);
    renderPage(api.services);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Withdraw my order' }, SLOW));
    expect(screen.getByRole('dialog', { name: 'Withdraw your order?' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Withdraw the order' }));

    const withdrawing = await screen.findByRole('heading', { name: 'Withdrawing…' }, SLOW);
    expect(document.activeElement).toBe(withdrawing);
    expect(screen.queryByRole('heading', { name: 'Revoking…' })).toBeNull();
    expect(api.sent.filter((request) => request.method === 'DELETE')).toEqual([
      { method: 'DELETE', path, body: undefined, query: '?force=false' },
    ]);

    api.finishDelete();
    const gone = await screen.findByText('Your order was withdrawn from the queue.', {}, SLOW);
    expect(document.activeElement).toBe(gone);
    expect(screen.getByRole('button', { name: 'Order my certificate' })).toBeTruthy();
  });
});
