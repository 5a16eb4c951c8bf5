import { UsersRepository } from '@starchart/persistence';
import { uniqueId } from '@starchart/testing';
import { type ApiHarness, startApi } from '../../test/support/api-harness';
import { UserSightings } from './user-sightings';

interface UserRow {
  username: string;
  email: string | null;
  created_at: Date;
  last_seen_at: Date;
}

describe('the users table, filled by the api from its callers', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApi();
  });

  afterAll(async () => {
    await api?.close();
  });

  const userRow = async (username: string): Promise<UserRow | undefined> =>
    ((await api.sql('SELECT * FROM users WHERE username = ?', [username])) as UserRow[])[0];

  it('creates a person with the token email on their first call', async () => {
    const carol = uniqueId('carol');
    expect(await userRow(carol)).toBeUndefined();
    const token = await api.token(carol, { email: `${carol}@example.edu` });
    expect((await api.request('GET', '/api/v1/records', { token })).status).toBe(200);
    expect(await userRow(carol)).toMatchObject({ username: carol, email: `${carol}@example.edu` });
  });

  it('follows a changed email at once, and keeps a person without one', async () => {
    const dave = uniqueId('dave');
    const first = await api.token(dave, { email: `${dave}@example.edu` });
    await api.request('GET', '/api/v1/records', { token: first });
    const moved = await api.token(dave, { email: `${dave}@mail.example.org` });
    await api.request('GET', '/api/v1/records', { token: moved });
    expect(await userRow(dave)).toMatchObject({ email: `${dave}@mail.example.org` });

    const erin = uniqueId('erin');
    await api.request('GET', '/api/v1/records', { token: await api.token(erin) });
    expect(await userRow(erin)).toMatchObject({ username: erin, email: null });
  });

  it('does not write again for every request of the same person', async () => {
    const frank = uniqueId('frank');
    const token = await api.token(frank, { email: `${frank}@example.edu` });
    await api.request('GET', '/api/v1/records', { token });
    const first = await userRow(frank);
    // Marks the row: a second write would overwrite last_seen_at.
    await api.sql('UPDATE users SET last_seen_at = ? WHERE username = ?', [
      new Date('2020-01-01T00:00:00Z'),
      frank,
    ]);
    await api.request('GET', '/api/v1/records', { token });
    await api.request('GET', '/api/v1/records', { token });
    const after = await userRow(frank);
    expect(first?.last_seen_at.getTime()).toBeGreaterThan(Date.UTC(2025, 0));
    expect(after?.last_seen_at.toISOString()).toBe('2020-01-01T00:00:00.000Z');
  });

  it('refreshes last_seen_at once the write interval has passed', async () => {
    const grace = uniqueId('grace');
    const principal = { username: grace, isAdmin: false, email: null };
    const sightings = new UserSightings(api.app.get(UsersRepository));
    const start = new Date();
    await sightings.seen(principal, start);
    await sightings.seen(principal, new Date(start.getTime() + 60_000));
    expect((await userRow(grace))?.last_seen_at.getTime()).toBe(start.getTime());
    const later = new Date(start.getTime() + 6 * 60_000);
    await sightings.seen(principal, later);
    expect((await userRow(grace))?.last_seen_at.getTime()).toBe(later.getTime());
  });
});
