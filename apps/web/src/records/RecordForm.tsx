import type { CreateRecord, DnsRecord, RecordType, UpdateRecord } from '@starchart/api-client';
import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useDraft } from '../auth/drafts';
import { Field } from '../components/Field';
import { formErrorsOf, type FormErrors } from './form-errors';
import {
  nameProblem,
  PRIORITY_MAX,
  PRIORITY_MIN,
  priorityProblem,
  RECORD_TYPES,
  srvNameProblem,
  TTL_DEFAULT,
  TTL_MAX,
  TTL_MIN,
  ttlProblem,
  uint16Problem,
  valueProblem,
} from './record-rules';

interface RecordDraft {
  name: string;
  type: RecordType;
  value: string;
  ttl: string;
  priority: string;
  weight: string;
  port: string;
}

const VALUE_HELP: Record<RecordType, { label: string; hint: ReactNode; placeholder: string }> = {
  A: {
    label: 'IPv4 address',
    hint: 'Where the name points, such as 192.0.2.10.',
    placeholder: '192.0.2.10',
  },
  AAAA: {
    label: 'IPv6 address',
    hint: 'Where the name points, such as 2001:db8::10.',
    placeholder: '2001:db8::10',
  },
  CNAME: {
    label: 'Target host name',
    hint: 'Another name this one stands for, such as myapp.example.com.',
    placeholder: 'myapp.example.com',
  },
  MX: {
    label: 'Mail server host name',
    hint: 'The host that receives mail for this name, such as mail.example.com.',
    placeholder: 'mail.example.com',
  },
  TXT: {
    label: 'Text',
    hint: 'Printable ASCII text, such as a site verification token or an SPF policy.',
    placeholder: 'v=spf1 -all',
  },
  SRV: {
    label: 'Target host name',
    hint: 'The host that offers the service, such as sip.example.com ("." if it is not offered).',
    placeholder: 'sip.example.com',
  },
  CAA: {
    label: 'CAA policy',
    // One example a line, set apart from the words: run together, quotes and colons blur.
    hint: (
      <>
        Flags, tag and quoted value, for example:
        <br />
        <code>0 issue "letsencrypt.org"</code> only Let's Encrypt may issue
        <br />
        <code>0 issuewild ";"</code> no wildcard certificates
        <br />
        <code>0 iodef "mailto:you@example.com"</code> where CAs report refusals
      </>
    ),
    placeholder: '0 issue "letsencrypt.org"',
  },
};

/** Which types have which number fields, as the api has them. */
const HAS_PRIORITY: readonly RecordType[] = ['MX', 'SRV'];
const NAME_HINT = 'Relative to your zone: "www", "_dmarc", "*.dev", or "@" for your own name.';
const SRV_NAME_HINT = 'Starts with _service._protocol, as in "_sip._tcp" or "_minecraft._tcp".';

const FIELDS = ['name', 'type', 'value', 'ttl', 'priority', 'weight', 'port'] as const;

export type RecordFormProps =
  | { mode: 'create'; onCreate: (body: CreateRecord) => Promise<void>; draftKey: string }
  | {
      mode: 'edit';
      record: DnsRecord;
      onUpdate: (body: UpdateRecord) => Promise<void>;
      draftKey: string;
    };

/** New and edit record: fields per type, checks in the browser, the api's errors at their fields. */
export function RecordForm(props: RecordFormProps) {
  const existing = props.mode === 'edit' ? props.record : undefined;
  const draft = useDraft<RecordDraft>(props.draftKey, {
    name: existing?.name ?? '',
    type: existing?.type ?? 'A',
    value: existing?.value ?? '',
    ttl: String(existing?.ttl ?? TTL_DEFAULT),
    priority:
      existing?.priority === null || existing?.priority === undefined
        ? '10'
        : String(existing.priority),
    weight: String(existing?.weight ?? 0),
    port: existing?.port === null || existing?.port === undefined ? '' : String(existing.port),
  });
  const [errors, setErrors] = useState<FormErrors>({ fields: {}, summary: null });
  const [sending, setSending] = useState(false);
  const summary = useRef<HTMLDivElement>(null);
  const form = draft.value;
  const help = VALUE_HELP[form.type];
  const isSrv = form.type === 'SRV';
  const hasPriority = HAS_PRIORITY.includes(form.type);

  const change = (field: keyof RecordDraft, value: string) => {
    draft.update((previous) => ({ ...previous, [field]: value }));
    if (errors.fields[field]) {
      setErrors((previous) => ({ ...previous, fields: { ...previous.fields, [field]: '' } }));
    }
  };

  const browserChecks = (): Record<string, string> => {
    const problems: Record<string, string | undefined> = {
      ...(props.mode === 'create' && {
        name: nameProblem(form.name) ?? (isSrv ? srvNameProblem(form.name) : undefined),
      }),
      value: valueProblem(form.type, form.value),
      ttl: ttlProblem(form.ttl),
      ...(hasPriority && { priority: priorityProblem(form.priority) }),
      ...(isSrv && { weight: uint16Problem(form.weight), port: uint16Problem(form.port) }),
    };
    return Object.fromEntries(
      Object.entries(problems).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const fields = browserChecks();
    if (Object.keys(fields).length > 0) {
      setErrors({
        fields,
        summary: {
          title: 'Some fields need a change',
          detail: 'See the messages next to the fields.',
        },
      });
      focusFirstInvalid(fields);
      return;
    }
    setErrors({ fields: {}, summary: null });
    setSending(true);
    try {
      const numbers = {
        ...(hasPriority && { priority: Number(form.priority) }),
        ...(isSrv && { weight: Number(form.weight), port: Number(form.port) }),
      };
      if (props.mode === 'create') {
        await props.onCreate({
          name: form.name.trim(),
          type: form.type,
          value: form.value.trim(),
          ttl: Number(form.ttl),
          ...numbers,
        });
      } else {
        await props.onUpdate({ value: form.value.trim(), ttl: Number(form.ttl), ...numbers });
      }
      draft.clear();
    } catch (error) {
      const mapped = formErrorsOf(error, FIELDS);
      setErrors(mapped);
      if (Object.keys(mapped.fields).length > 0) focusFirstInvalid(mapped.fields);
      else summary.current?.focus();
    } finally {
      setSending(false);
    }
  };

  const fieldError = (field: string) => errors.fields[field] || undefined;

  return (
    <form
      className="form"
      onSubmit={submit}
      noValidate
      aria-describedby={errors.summary ? 'form-summary' : undefined}
    >
      {draft.restored ? (
        <p className="callout callout--info" role="status">
          What you typed before signing in again is back in the form.
        </p>
      ) : null}
      <div
        ref={summary}
        tabIndex={-1}
        id="form-summary"
        role="alert"
        className={errors.summary ? 'callout callout--bad' : 'visually-hidden'}
      >
        {errors.summary ? (
          <>
            <strong>{errors.summary.title}.</strong> {errors.summary.detail}
          </>
        ) : null}
      </div>

      <div className="form__row">
        {props.mode === 'create' ? (
          <Field
            id="record-name"
            label="Name"
            hint={isSrv ? SRV_NAME_HINT : NAME_HINT}
            error={fieldError('name')}
          >
            {(control) => (
              <input
                {...control}
                name="name"
                autoComplete="off"
                autoCapitalize="none"
                spellCheck={false}
                value={form.name}
                onChange={(event) => change('name', event.target.value)}
              />
            )}
          </Field>
        ) : (
          <div className="field">
            <span className="field__static-label">Name</span>
            <p className="field__static">{existing?.fqdn}</p>
          </div>
        )}
        <Field id="record-type" label="Type" error={fieldError('type')}>
          {(control) => (
            <select
              {...control}
              name="type"
              value={form.type}
              disabled={props.mode === 'edit'}
              onChange={(event) => change('type', event.target.value)}
            >
              {RECORD_TYPES.map((type) => (
                <option key={type} value={type}>
                  {type}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>

      <Field id="record-value" label={help.label} hint={help.hint} error={fieldError('value')}>
        {(control) =>
          form.type === 'TXT' ? (
            <textarea
              {...control}
              name="value"
              rows={3}
              spellCheck={false}
              placeholder={help.placeholder}
              value={form.value}
              onChange={(event) => change('value', event.target.value)}
            />
          ) : (
            <input
              {...control}
              name="value"
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              placeholder={help.placeholder}
              value={form.value}
              onChange={(event) => change('value', event.target.value)}
            />
          )
        }
      </Field>

      <div className="form__row">
        {hasPriority ? (
          <Field
            id="record-priority"
            label="Priority"
            hint={`Lower is preferred (${PRIORITY_MIN}–${PRIORITY_MAX}).`}
            error={fieldError('priority')}
          >
            {(control) => (
              <input
                {...control}
                name="priority"
                inputMode="numeric"
                value={form.priority}
                onChange={(event) => change('priority', event.target.value)}
              />
            )}
          </Field>
        ) : null}
        {isSrv ? (
          <>
            <Field
              id="record-weight"
              label="Weight"
              hint={`Share among targets of equal priority; 0 for none (${PRIORITY_MIN}–${PRIORITY_MAX}).`}
              error={fieldError('weight')}
            >
              {(control) => (
                <input
                  {...control}
                  name="weight"
                  inputMode="numeric"
                  value={form.weight}
                  onChange={(event) => change('weight', event.target.value)}
                />
              )}
            </Field>
            <Field
              id="record-port"
              label="Port"
              hint={`The port the service listens on (${PRIORITY_MIN}–${PRIORITY_MAX}).`}
              error={fieldError('port')}
            >
              {(control) => (
                <input
                  {...control}
                  name="port"
                  inputMode="numeric"
                  value={form.port}
                  onChange={(event) => change('port', event.target.value)}
                />
              )}
            </Field>
          </>
        ) : null}
        <Field
          id="record-ttl"
          label="TTL (seconds)"
          hint={`How long resolvers may cache the answer (${TTL_MIN}–${TTL_MAX}).`}
          error={fieldError('ttl')}
        >
          {(control) => (
            <input
              {...control}
              name="ttl"
              inputMode="numeric"
              value={form.ttl}
              onChange={(event) => change('ttl', event.target.value)}
            />
          )}
        </Field>
      </div>

      <div className="actions">
        <button type="submit" className="button" disabled={sending}>
          {sending ? 'Saving…' : props.mode === 'create' ? 'Create record' : 'Save changes'}
        </button>
      </div>
    </form>
  );
}

function focusFirstInvalid(fields: Record<string, string>): void {
  const first = FIELDS.find((field) => fields[field]);
  if (first) document.getElementById(`record-${first}`)?.focus();
}
