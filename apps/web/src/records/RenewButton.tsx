import type { DnsRecord } from '@starchart/api-client';
import { useState } from 'react';
import { ApiFailure, call } from '../api/api-failure';
import { useServices } from '../app/services';

/** Renews the record: a full lifetime from now. A record being removed cannot be renewed. */
export function RenewButton({
  record,
  onRenewed,
  className = 'button button--quiet',
}: {
  record: Pick<DnsRecord, 'id' | 'fqdn' | 'status'>;
  onRenewed: (record: DnsRecord) => void;
  className?: string;
}) {
  const { client } = useServices();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const renew = async () => {
    setBusy(true);
    setError(null);
    try {
      onRenewed(await renewRecord(client, record.id));
    } catch (failure) {
      setError(failure instanceof ApiFailure ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button
        type="button"
        className={className}
        aria-label={`Renew ${record.fqdn}`}
        disabled={busy || record.status === 'deleting'}
        onClick={() => void renew()}
      >
        {busy ? 'Renewing…' : 'Renew'}
      </button>
      {error ? (
        <span className="renew-error" role="alert">
          {error}
        </span>
      ) : null}
    </>
  );
}

/** POST /renew: the record with its new expiry, or an ApiFailure with the api's reason. */
export function renewRecord(
  client: ReturnType<typeof useServices>['client'],
  id: string,
): Promise<DnsRecord> {
  return call(client.POST('/api/v1/records/{id}/renew', { params: { path: { id } }, body: {} }));
}
