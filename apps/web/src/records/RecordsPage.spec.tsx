import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { aRecord, AtRoute, fakeApi } from '../test-support/fake-api';
import { formatDate } from './format';
import { RecordsPage } from './RecordsPage';

const DAY_MS = 86_400_000;

describe('the records list', () => {
  it('shows each record’s expiry, flags one near it, and renews it from its row', async () => {
    const soon = aRecord({ expiresAt: new Date(Date.now() + 10 * DAY_MS).toISOString() });
    const renewedTo = new Date(Date.now() + 180 * DAY_MS).toISOString();
    const { services, sent } = fakeApi({
      'GET /api/v1/records': () => ({
        status: 200,
        body: { items: [soon], total: 1, limit: 20, quota: 10, nextCursor: null },
      }),
      [`POST /api/v1/records/${soon.id}/renew`]: () => ({
        status: 200,
        body: { ...soon, expiresAt: renewedTo },
      }),
    });
    render(
      <AtRoute services={services} path="/records" url="/records" element={<RecordsPage />} />,
    );

    expect(await screen.findByRole('columnheader', { name: 'Expires' })).toBeTruthy();
    const row = screen.getByRole('row', { name: new RegExp(soon.fqdn) });
    expect(within(row).getByText(formatDate(soon.expiresAt))).toBeTruthy();
    expect(row.textContent).toContain('renew it to keep it');

    await userEvent.setup().click(within(row).getByRole('button', { name: `Renew ${soon.fqdn}` }));
    expect(await within(row).findByText(formatDate(renewedTo))).toBeTruthy();
    expect(row.textContent).not.toContain('renew it to keep it');
    expect(sent.filter((request) => request.method === 'POST')).toEqual([
      { method: 'POST', path: `/api/v1/records/${soon.id}/renew`, body: {} },
    ]);
  });
});
