import type { NotificationPreferences } from '@starchart/api-client';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AtRoute, fakeApi } from '../test-support/fake-api';
import { NotificationSettingsPage } from './NotificationSettingsPage';

const ALL_ON: NotificationPreferences = {
  'record-failed': true,
  'record-expiring': true,
  'record-removed': true,
  'certificate-issued': true,
  'certificate-failed': true,
  'certificate-renewal-failed': true,
  'certificate-expiring': true,
  'certificate-revocation-failed': true,
};

function renderPage(saved: NotificationPreferences = ALL_ON) {
  let stored = saved;
  const api = fakeApi({
    'GET /api/v1/me/notifications': () => ({ status: 200, body: stored }),
    'PUT /api/v1/me/notifications': ({ body }) => {
      stored = { ...stored, ...(body as Partial<NotificationPreferences>) };
      return { status: 200, body: stored };
    },
  });
  render(
    <AtRoute
      services={api.services}
      path="/settings/notifications"
      url="/settings/notifications"
      element={<NotificationSettingsPage />}
    />,
  );
  return api;
}

describe('the mail settings page', () => {
  it('has one labelled checkbox per kind of mail, each as stored', async () => {
    renderPage({ ...ALL_ON, 'certificate-issued': false });
    const boxes = await screen.findAllByRole('checkbox');
    expect(boxes).toHaveLength(8);
    const expiring = screen.getByLabelText(/One of my records expires soon/) as HTMLInputElement;
    expect(expiring.checked).toBe(true);
    expect(expiring.getAttribute('aria-describedby')).toBeTruthy();
    const issued = screen.getByLabelText(/My certificate was issued/) as HTMLInputElement;
    expect(issued.checked).toBe(false);
  });

  it('saves the changed choices with PUT and says so', async () => {
    const { sent } = renderPage();
    const user = userEvent.setup();
    const save = await screen.findByRole('button', { name: 'Save' });
    expect((save as HTMLButtonElement).disabled).toBe(true);
    await user.click(screen.getByLabelText(/One of my records expires soon/));
    await user.click(save);
    expect(await screen.findByRole('status')).toHaveProperty('textContent', 'Saved.');
    expect(sent.at(-1)).toEqual({
      method: 'PUT',
      path: '/api/v1/me/notifications',
      body: { ...ALL_ON, 'record-expiring': false },
    });
    expect(
      (screen.getByLabelText(/One of my records expires soon/) as HTMLInputElement).checked,
    ).toBe(false);
  });
});
