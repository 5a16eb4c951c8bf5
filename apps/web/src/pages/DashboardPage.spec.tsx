import type { Certificate } from '@starchart/api-client';
import { render, screen } from '@testing-library/react';
import type { User } from 'oidc-client-ts';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import type { Auth } from '../auth/auth';
import { SessionProvider, useSession } from '../auth/session';
import { formatDateTime } from '../records/format';
import { AtRoute, fakeApi } from '../test-support/fake-api';
import { DashboardPage } from './DashboardPage';

const queued: Certificate = {
  id: '7c0c3d1e-0000-4000-8000-000000000002',
  username: 'bob',
  domains: ['bob.starchart.test', '*.bob.starchart.test'],
  status: 'queued',
  statusReason: null,
  validFrom: null,
  validTo: null,
  queue: { place: 4, estimatedStartAt: '2026-12-14T09:30:00.000Z' },
  createdAt: '2026-12-07T09:30:00.000Z',
  updatedAt: '2026-12-07T09:30:00.000Z',
};

/** Signed in as bob: the session reads him from an auth that never changes. */
const bob = {
  manager: {
    events: {
      addUserLoaded: () => undefined,
      addUserUnloaded: () => undefined,
      addUserSignedOut: () => undefined,
      removeUserLoaded: () => undefined,
      removeUserUnloaded: () => undefined,
      removeUserSignedOut: () => undefined,
    },
  },
  currentUser: () =>
    Promise.resolve({ profile: { sub: 'bob', preferred_username: 'bob' } } as unknown as User),
} as unknown as Auth;

/** The page once the session has read bob, as the app's signed-in routes do. */
function SignedIn({ children }: { children: ReactNode }) {
  return useSession().state === 'signed-in' ? children : null;
}

describe('the dashboard', () => {
  it('gives a queued certificate order its place and estimated start', async () => {
    const { services } = fakeApi({
      'GET /api/v1/records': () => ({
        status: 200,
        body: { items: [], total: 0, limit: 5, quota: 10, nextCursor: null },
      }),
      'GET /api/v1/certificates': () => ({ status: 200, body: { items: [queued] } }),
    });
    render(
      <SessionProvider auth={bob}>
        <SignedIn>
          <AtRoute services={services} path="/" url="/" element={<DashboardPage />} />
        </SignedIn>
      </SessionProvider>,
    );
    const card = (await screen.findByText('Queued')).closest('article');
    expect(card?.textContent).toContain(
      `Place 4 in the queue, estimated start ${formatDateTime('2026-12-14T09:30:00.000Z')}`,
    );
  });
});
