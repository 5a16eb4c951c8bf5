import type { ReconcileRun } from '@starchart/api-client';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AtRoute, fakeApi } from '../test-support/fake-api';
import { AdminHomePage } from './AdminHomePage';

const RUN: ReconcileRun = {
  jobId: 'reconcile-1',
  trigger: 'schedule',
  state: 'completed',
  report: {
    scanned: 9_412,
    upserted: 0,
    deleted: 0,
    requeued: 0,
    skippedInFlight: 2,
    failed: 0,
    durationMs: 7_300,
    zone: { recordSets: 9_412, quota: 10_000 },
  },
  failedReason: null,
  queuedAt: '2026-12-07T17:00:00.000Z',
  finishedAt: '2026-12-07T17:00:08.000Z',
};

function renderPage(run: ReconcileRun) {
  const api = fakeApi({
    'GET /api/v1/admin/reconcile/latest': () => ({ status: 200, body: run }),
  });
  render(
    <AtRoute services={api.services} path="/admin" url="/admin" element={<AdminHomePage />} />,
  );
}

describe('the admin home page', () => {
  it('shows how full the hosted zone was at the last reconcile run', async () => {
    renderPage(RUN);
    const zone = await screen.findByText('Hosted zone');
    expect(zone.nextElementSibling?.textContent).toBe('9412 of 10000 record sets');
  });

  it('says when the last run could not read the zone', async () => {
    renderPage({ ...RUN, report: RUN.report && { ...RUN.report, zone: null } });
    const zone = await screen.findByText('Hosted zone');
    expect(zone.nextElementSibling?.textContent).toBe('not read');
  });
});
