import { NOTICE_KINDS } from '@starchart/flow-runtime/table';
import { uniqueId } from '@starchart/testing';
import { type ApiHarness, startApi } from '../../test/support/api-harness';

const ALL_ON = Object.fromEntries(NOTICE_KINDS.map((kind) => [kind, true]));

describe('GET and PUT /api/v1/me/notifications', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApi();
  });

  afterAll(async () => {
    await api?.close();
  });

  it('has every kind on for a new person, and turns the kinds named on or off, keeping the others', async () => {
    const token = await api.token(uniqueId('erin'));
    const path = '/api/v1/me/notifications';
    expect((await api.request('GET', path, { token })).json).toEqual(ALL_ON);

    const changed = await api.request('PUT', path, {
      token,
      body: { 'record-expiring': false, 'certificate-issued': false },
    });
    expect(changed.status).toBe(200);
    const expected = { ...ALL_ON, 'record-expiring': false, 'certificate-issued': false };
    expect(changed.json).toEqual(expected);
    expect((await api.request('GET', path, { token })).json).toEqual(expected);

    const back = await api.request('PUT', path, { token, body: { 'certificate-issued': true } });
    expect(back.json).toEqual({ ...ALL_ON, 'record-expiring': false });
  });

  it.each([
    ['an unknown kind', { 'record-exploded': false }, 'record-exploded'],
    ['a value that is not true or false', { 'record-failed': 'no' }, 'record-failed'],
    ['null for a kind', { 'record-removed': null }, 'record-removed'],
    ['an array', [false], undefined],
    ['a string', 'off', undefined],
  ])('refuses %s with 400 problem+json and changes nothing', async (_case, body, field) => {
    const token = await api.token(uniqueId('frank'));
    const path = '/api/v1/me/notifications';
    await api.request('PUT', path, { token, body: { 'record-failed': false } });

    const refused = await api.request('PUT', path, { token, body });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    if (field !== undefined)
      expect(refused.json).toMatchObject({
        errors: expect.arrayContaining([expect.objectContaining({ field })]),
      });
    expect((await api.request('GET', path, { token })).json).toEqual({
      ...ALL_ON,
      'record-failed': false,
    });
  });
});
