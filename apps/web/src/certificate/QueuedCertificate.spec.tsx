import type { CertificateWithSteps } from '@starchart/api-client';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { formatDateTime } from '../records/format';
import { AtRoute, fakeApi } from '../test-support/fake-api';
import { CertificatePage } from './CertificatePage';

const ID = '4f1c2a9e-0d7b-4c1e-9a57-2b8f0e6d3c11';

const queued: CertificateWithSteps = {
  id: ID,
  username: 'alice',
  domains: ['alice.starchart.test', '*.alice.starchart.test'],
  status: 'queued',
  statusReason: null,
  validFrom: null,
  validTo: null,
  queue: { place: 3, estimatedStartAt: '2026-09-08T08:00:00.000Z' },
  createdAt: '2026-09-01T08:00:00.000Z',
  updatedAt: '2026-09-01T08:00:00.000Z',
  steps: [],
};

function renderPage(certificate: CertificateWithSteps) {
  const api = fakeApi({
    'GET /api/v1/certificates': () => ({ status: 200, body: { items: [certificate] } }),
    [`GET /api/v1/certificates/${ID}`]: () => ({ status: 200, body: certificate }),
  });
  render(
    <AtRoute
      services={api.services}
      path="/certificate"
      url="/certificate"
      element={<CertificatePage />}
    />,
  );
}

describe('the certificate page of a queued order', () => {
  it('shows a queued order with its place and estimated start, and nothing to download', async () => {
    renderPage(queued);
    const notice = (await screen.findByText(/^Queued — place 3/)).closest('[role="status"]');
    expect(notice?.textContent).toContain(
      `Queued — place 3, estimated start ${formatDateTime('2026-09-08T08:00:00.000Z')}`,
    );
    expect(notice?.textContent).toContain('starts by itself');
    expect(screen.queryByRole('button', { name: /Full chain/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /Retry the order/ })).toBeNull();
  });

  it('says it is queued even when the place cannot be read right now', async () => {
    renderPage({ ...queued, queue: null });
    const notice = (await screen.findByText('Queued', { selector: 'strong' })).closest(
      '[role="status"]',
    );
    expect(notice?.textContent).toContain('starts by itself');
    expect(notice?.textContent).not.toContain('place');
  });
});
