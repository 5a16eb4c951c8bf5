import type { DnsRecord } from '@starchart/api-client';
import { useState } from 'react';
import { call } from '../api/api-failure';
import { useServices } from '../app/services';

/** Runs the failed flow of a record in error again; tells the page the record it got back. */
export function RetryButton({
  record,
  onRetried,
}: {
  record: DnsRecord;
  onRetried: (record: DnsRecord) => void;
}) {
  const { client } = useServices();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  async function retry() {
    setBusy(true);
    setFailure(null);
    try {
      onRetried(
        await call(
          client.POST('/api/v1/admin/records/{id}/retry', {
            params: { path: { id: record.id } },
            body: {},
          }),
        ),
      );
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <button
        type="button"
        className="button button--small"
        onClick={() => void retry()}
        disabled={busy}
        aria-label={`Retry ${record.fqdn} ${record.type}`}
      >
        Retry
      </button>
      {failure ? (
        <span className="field__error" role="alert">
          {failure}
        </span>
      ) : null}
    </>
  );
}
