import type { Problem } from '@starchart/api-client';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiFailure } from '../api/api-failure';
import { aRecord, anSrvRecord } from '../test-support/fake-api';
import { RecordForm } from './RecordForm';

const problem = (status: number, kind: string, fields: Partial<Problem> = {}): ApiFailure =>
  ApiFailure.fromResponse(status, {
    type: `urn:starchart:problem:${kind}`,
    title: kind,
    status,
    detail: `${kind} detail`,
    retryable: false,
    errors: [],
    ...fields,
  });

const renderCreate = (onCreate = vi.fn().mockResolvedValue(undefined)) => {
  render(<RecordForm mode="create" draftKey="test-new" onCreate={onCreate} />);
  return { onCreate, user: userEvent.setup() };
};

/** The message tied to a control through aria-describedby, as assistive technology reads it. */
function describedError(control: HTMLElement): string {
  const ids = (control.getAttribute('aria-describedby') ?? '').split(' ');
  return ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
}

describe('the record form', () => {
  it('asks for a priority only for MX and takes TXT values in a text area', async () => {
    const { user } = renderCreate();
    expect(screen.queryByLabelText('Priority')).toBeNull();
    await user.selectOptions(screen.getByLabelText('Type'), 'MX');
    expect(screen.getByLabelText('Priority')).toBeTruthy();
    expect(screen.getByLabelText('Mail server host name')).toBeTruthy();
    await user.selectOptions(screen.getByLabelText('Type'), 'TXT');
    expect(screen.queryByLabelText('Priority')).toBeNull();
    expect(screen.getByLabelText('Text').tagName).toBe('TEXTAREA');
  });

  it('checks the fields in the browser and sends nothing while one is wrong', async () => {
    const { user, onCreate } = renderCreate();
    await user.type(screen.getByLabelText('Name'), 'bad_name');
    await user.type(screen.getByLabelText('IPv4 address'), '192.0.2.300');
    await user.clear(screen.getByLabelText('TTL (seconds)'));
    await user.type(screen.getByLabelText('TTL (seconds)'), '5');
    await user.click(screen.getByRole('button', { name: 'Create record' }));

    expect(onCreate).not.toHaveBeenCalled();
    const name = screen.getByLabelText('Name');
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(describedError(name)).toContain('with "_" after its first character');
    expect(describedError(screen.getByLabelText('IPv4 address'))).toContain(
      'must be an IPv4 address',
    );
    expect(describedError(screen.getByLabelText('TTL (seconds)'))).toContain('at least 60 seconds');
    expect(document.activeElement).toBe(name);
  });

  it('sends a valid record with numbers as numbers, and priority only for MX', async () => {
    const { user, onCreate } = renderCreate();
    await user.type(screen.getByLabelText('Name'), 'mail');
    await user.selectOptions(screen.getByLabelText('Type'), 'MX');
    await user.type(screen.getByLabelText('Mail server host name'), 'mx.example.com');
    await user.clear(screen.getByLabelText('Priority'));
    await user.type(screen.getByLabelText('Priority'), '5');
    await user.click(screen.getByRole('button', { name: 'Create record' }));
    expect(onCreate).toHaveBeenCalledWith({
      name: 'mail',
      type: 'MX',
      value: 'mx.example.com',
      ttl: 300,
      priority: 5,
    });
  });

  it('asks for priority, weight and port for SRV and sends them as numbers', async () => {
    const { user, onCreate } = renderCreate();
    await user.selectOptions(screen.getByLabelText('Type'), 'SRV');
    await user.type(screen.getByLabelText('Name'), 'sip');
    await user.type(screen.getByLabelText('Target host name'), 'sip.example.com');
    await user.type(screen.getByLabelText('Port'), '70000');
    await user.click(screen.getByRole('button', { name: 'Create record' }));
    expect(onCreate).not.toHaveBeenCalled();
    expect(describedError(screen.getByLabelText('Name'))).toContain('_service._protocol');
    expect(describedError(screen.getByLabelText('Port'))).toContain('at most 65535');

    await user.clear(screen.getByLabelText('Name'));
    await user.type(screen.getByLabelText('Name'), '_sip._tcp');
    await user.clear(screen.getByLabelText('Port'));
    await user.type(screen.getByLabelText('Port'), '5060');
    await user.clear(screen.getByLabelText('Weight'));
    await user.type(screen.getByLabelText('Weight'), '5');
    await user.click(screen.getByRole('button', { name: 'Create record' }));
    expect(onCreate).toHaveBeenCalledWith({
      name: '_sip._tcp',
      type: 'SRV',
      value: 'sip.example.com',
      ttl: 300,
      priority: 10,
      weight: 5,
      port: 5060,
    });
  });

  it('takes a CAA policy with a hint and says what is wrong with it', async () => {
    const { user, onCreate } = renderCreate();
    await user.selectOptions(screen.getByLabelText('Type'), 'CAA');
    expect(screen.queryByLabelText('Port')).toBeNull();
    expect(screen.queryByLabelText('Priority')).toBeNull();
    await user.type(screen.getByLabelText('Name'), '@');
    const policy = screen.getByLabelText('CAA policy');
    expect(describedError(policy)).toContain('0 issuewild ";"');
    // Each example set apart as code, one a line.
    const hint = document.getElementById('record-value-hint');
    expect([...(hint?.querySelectorAll('code') ?? [])].map((code) => code.textContent)).toEqual([
      '0 issue "letsencrypt.org"',
      '0 issuewild ";"',
      '0 iodef "mailto:you@example.com"',
    ]);
    await user.type(policy, '0 issue letsencrypt.org');
    await user.click(screen.getByRole('button', { name: 'Create record' }));
    expect(onCreate).not.toHaveBeenCalled();
    expect(describedError(policy)).toContain('double quotes');

    await user.clear(policy);
    await user.type(policy, '0 issue "letsencrypt.org"');
    await user.click(screen.getByRole('button', { name: 'Create record' }));
    expect(onCreate).toHaveBeenCalledWith({
      name: '@',
      type: 'CAA',
      value: '0 issue "letsencrypt.org"',
      ttl: 300,
    });
  });

  it("shows the api's problem+json field errors next to their fields", async () => {
    const onCreate = vi.fn().mockRejectedValue(
      problem(400, 'invalid-input', {
        errors: [
          { field: 'value', message: 'is refused by the api' },
          { field: 'ttl', message: 'must be at most 86400 seconds (one day)' },
        ],
      }),
    );
    const { user } = renderCreate(onCreate);
    await user.type(screen.getByLabelText('Name'), 'www');
    await user.type(screen.getByLabelText('IPv4 address'), '192.0.2.10');
    await user.click(screen.getByRole('button', { name: 'Create record' }));

    const value = await screen.findByLabelText('IPv4 address');
    expect(value.getAttribute('aria-invalid')).toBe('true');
    expect(describedError(value)).toContain('is refused by the api');
    expect(describedError(screen.getByLabelText('TTL (seconds)'))).toContain(
      'at most 86400 seconds',
    );
    expect(screen.getByRole('alert').textContent).toContain('Some fields need a change');
  });

  it('explains a full quota in words, at the top of the form', async () => {
    const onCreate = vi.fn().mockRejectedValue(
      problem(409, 'quota-exceeded', {
        detail:
          'You already have 10 records, the most one user may have. Delete one to add another.',
      }),
    );
    const { user } = renderCreate(onCreate);
    await user.type(screen.getByLabelText('Name'), 'eleven');
    await user.type(screen.getByLabelText('IPv4 address'), '192.0.2.11');
    await user.click(screen.getByRole('button', { name: 'Create record' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('You have reached your record quota');
    expect(alert.textContent).toContain('Delete one to add another.');
  });

  it('says a taken name at the name field', async () => {
    const detail =
      'www.alice.starchart.test already has a record of type A; change that record instead of adding another.';
    const onCreate = vi
      .fn()
      .mockRejectedValue(
        problem(409, 'record-conflict', { detail, errors: [{ field: 'name', message: detail }] }),
      );
    const { user } = renderCreate(onCreate);
    await user.type(screen.getByLabelText('Name'), 'www');
    await user.type(screen.getByLabelText('IPv4 address'), '192.0.2.10');
    await user.click(screen.getByRole('button', { name: 'Create record' }));
    expect((await screen.findByRole('alert')).textContent).toContain('That name is already taken');
    expect(describedError(screen.getByLabelText('Name'))).toContain(
      'already has a record of type A',
    );
  });

  it('keeps what was typed across a sign-in redirect, and forgets it once sent', async () => {
    const first = renderCreate();
    await first.user.type(screen.getByLabelText('Name'), 'draft');
    await first.user.type(screen.getByLabelText('IPv4 address'), '192.0.2.77');
    first.onCreate.mockClear();
    // The page goes away (sign-in redirect) and comes back.
    document.body.innerHTML = '';
    const second = renderCreate();
    expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('draft');
    expect((screen.getByLabelText('IPv4 address') as HTMLInputElement).value).toBe('192.0.2.77');
    expect(screen.getByText(/What you typed before signing in again/)).toBeTruthy();
    await second.user.click(screen.getByRole('button', { name: 'Create record' }));
    expect(second.onCreate).toHaveBeenCalledTimes(1);
    expect(sessionStorage.getItem('starchart:draft:test-new')).toBeNull();
  });

  it('edits value and TTL of a record whose name and type stay as they are', async () => {
    const record = aRecord();
    const onUpdate = vi.fn().mockResolvedValue(undefined);
    render(<RecordForm mode="edit" record={record} draftKey="test-edit" onUpdate={onUpdate} />);
    const user = userEvent.setup();
    expect(screen.queryByLabelText('Name')).toBeNull();
    expect(screen.getByText('www.alice.starchart.test')).toBeTruthy();
    expect((screen.getByLabelText('Type') as HTMLSelectElement).disabled).toBe(true);
    await user.clear(screen.getByLabelText('IPv4 address'));
    await user.type(screen.getByLabelText('IPv4 address'), '192.0.2.11');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(onUpdate).toHaveBeenCalledWith({ value: '192.0.2.11', ttl: 300 });
  });

  it("edits an SRV record's port, its priority and weight filled in from the record", async () => {
    const record = anSrvRecord();
    const onUpdate = vi.fn().mockResolvedValue(undefined);
    render(<RecordForm mode="edit" record={record} draftKey="test-edit-srv" onUpdate={onUpdate} />);
    const user = userEvent.setup();
    expect((screen.getByLabelText('Priority') as HTMLInputElement).value).toBe('10');
    expect((screen.getByLabelText('Weight') as HTMLInputElement).value).toBe('5');
    await user.clear(screen.getByLabelText('Port'));
    await user.type(screen.getByLabelText('Port'), '5061');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(onUpdate).toHaveBeenCalledWith({
      value: 'sip.example.com',
      ttl: 300,
      priority: 10,
      weight: 5,
      port: 5061,
    });
  });
});
