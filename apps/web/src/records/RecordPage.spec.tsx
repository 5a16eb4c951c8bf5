import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { aRecord, anSrvRecord, AtRoute, fakeApi } from '../test-support/fake-api';
import { formatDate } from './format';
import { RecordPage } from './RecordPage';

const record = aRecord();
const path = `/api/v1/records/${record.id}`;
const RENEWED_TO = '2027-06-18T10:00:00.000Z';

function withRecordApi(renew: () => { status: number; body: unknown }) {
  let current = { ...record, steps: [] };
  return fakeApi({
    [`GET ${path}`]: () => ({ status: 200, body: current }),
    [`POST ${path}/renew`]: () => {
      const answer = renew();
      if (answer.status === 200) current = { ...current, ...(answer.body as object), steps: [] };
      return answer;
    },
  });
}

const renewed = () => ({
  status: 200,
  body: { ...record, expiresAt: RENEWED_TO, updatedAt: '2026-12-07T10:00:00.000Z' },
});

describe('the record page', () => {
  it('shows when the record expires and renews it with the Renew button', async () => {
    const { services, sent } = withRecordApi(renewed);
    render(
      <AtRoute
        services={services}
        path="/records/:id"
        url={`/records/${record.id}`}
        element={<RecordPage />}
      />,
    );
    const expires = await screen.findByText('Expires');
    expect(expires.nextElementSibling?.textContent).toContain(formatDate(record.expiresAt));

    await userEvent.setup().click(screen.getByRole('button', { name: `Renew ${record.fqdn}` }));
    await screen.findByText(formatDate(RENEWED_TO));
    expect(sent.filter((request) => request.method === 'POST')).toEqual([
      { method: 'POST', path: `${path}/renew`, body: {} },
    ]);
  });

  it('renews once when opened from the mail’s one-click link (?renew=1), and drops the parameter', async () => {
    const { services, sent } = withRecordApi(renewed);
    render(
      <AtRoute
        services={services}
        path="/records/:id"
        url={`/records/${record.id}?renew=1`}
        element={<RecordPage />}
      />,
    );
    const status = await screen.findByText(/^Renewed: the record now expires on/);
    expect(status.textContent).toContain(formatDate(RENEWED_TO));
    expect(screen.getByTestId('address').textContent).toBe(`/records/${record.id}`);
    // The page shows the record as reloaded after the renew.
    await waitFor(() =>
      expect(screen.getByText('Expires').nextElementSibling?.textContent).toContain(
        formatDate(RENEWED_TO),
      ),
    );
    expect(sent.filter((request) => request.method === 'POST')).toHaveLength(1);
  });

  it('says why when the one-click renew is refused (the record is being removed)', async () => {
    const { services } = withRecordApi(() => ({
      status: 409,
      body: {
        type: 'urn:starchart:problem:record-being-removed',
        title: 'The record is being removed',
        status: 409,
        detail: 'Expired on 2026-12-01T00:00:00.000Z without a renew; removed by the expiry run.',
        retryable: false,
        errors: [],
      },
    }));
    render(
      <AtRoute
        services={services}
        path="/records/:id"
        url={`/records/${record.id}?renew=1`}
        element={<RecordPage />}
      />,
    );
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The record could not be renewed. Expired on 2026-12-01');
  });

  it('names an SRV record’s priority, weight and port next to its value', async () => {
    const srv = anSrvRecord();
    const { services } = fakeApi({
      [`GET /api/v1/records/${srv.id}`]: () => ({ status: 200, body: { ...srv, steps: [] } }),
    });
    render(
      <AtRoute
        services={services}
        path="/records/:id"
        url={`/records/${srv.id}`}
        element={<RecordPage />}
      />,
    );
    const value = await screen.findByText('10 5 5060 sip.example.com');
    expect(value.tagName).toBe('DD');
    const named = (term: string) => screen.getByText(term, { selector: 'dt' }).nextElementSibling;
    expect(named('Priority')?.textContent).toBe('10');
    expect(named('Weight')?.textContent).toBe('5');
    expect(named('Port')?.textContent).toBe('5060');
  });
});
