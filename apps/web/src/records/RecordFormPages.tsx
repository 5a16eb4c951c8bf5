import type { DnsRecordWithSteps } from '@starchart/api-client';
import { Link, useNavigate, useParams } from 'react-router';
import { call } from '../api/api-failure';
import { useResource } from '../api/use-resource';
import { useServices } from '../app/services';
import { useDocumentTitle } from '../app/use-document-title';
import { Loading } from '../components/States';
import { FailurePage } from '../pages/ErrorPages';
import { RecordForm } from './RecordForm';

export function NewRecordPage() {
  useDocumentTitle('New record');
  const { client } = useServices();
  const navigate = useNavigate();
  return (
    <section aria-labelledby="new-record-title" className="narrow">
      <p className="breadcrumb">
        <Link to="/records">Records</Link> <span aria-hidden="true">›</span> New
      </p>
      <h1 id="new-record-title">New record</h1>
      <RecordForm
        mode="create"
        draftKey="new-record"
        onCreate={async (body) => {
          const created = await call(client.POST('/api/v1/records', { body }));
          navigate(`/records/${created.id}`);
        }}
      />
    </section>
  );
}

export function EditRecordPage() {
  const { id = '' } = useParams();
  const { client } = useServices();
  const navigate = useNavigate();
  const { resource, reload } = useResource<DnsRecordWithSteps>(
    (signal) => call(client.GET('/api/v1/records/{id}', { params: { path: { id } }, signal })),
    [client, id],
  );
  useDocumentTitle(resource.state === 'ready' ? `Edit ${resource.data.fqdn}` : 'Edit record');
  if (resource.state === 'loading') return <Loading label="Loading the record…" />;
  if (resource.state === 'failed')
    return <FailurePage error={resource.error} what="record" onRetry={reload} />;
  const record = resource.data;
  return (
    <section aria-labelledby="edit-record-title" className="narrow">
      <p className="breadcrumb">
        <Link to="/records">Records</Link> <span aria-hidden="true">›</span>{' '}
        <Link to={`/records/${record.id}`}>{record.name}</Link> <span aria-hidden="true">›</span>{' '}
        Edit
      </p>
      <h1 id="edit-record-title">Edit {record.fqdn}</h1>
      <RecordForm
        mode="edit"
        record={record}
        draftKey={`edit-record:${record.id}`}
        onUpdate={async (body) => {
          await call(
            client.PATCH('/api/v1/records/{id}', { params: { path: { id: record.id } }, body }),
          );
          navigate(`/records/${record.id}`);
        }}
      />
    </section>
  );
}
