import type { Certificate } from '@starchart/api-client';
import { useState } from 'react';
import { ApiFailure, call } from '../api/api-failure';
import { useServices } from '../app/services';
import { formatDateTime } from '../records/format';
import { daysLeft } from './validity';

const DOCUMENTS = [
  {
    file: 'fullchain.pem',
    label: 'Full chain',
    hint: 'certificate and intermediates: what servers want',
  },
  { file: 'certificate.pem', label: 'Certificate', hint: 'your certificate alone' },
  { file: 'chain.pem', label: 'Chain', hint: 'the intermediate certificates' },
  { file: 'privkey.pem', label: 'Private key', hint: 'keep it secret; never share it' },
] as const;

type PemFile = (typeof DOCUMENTS)[number]['file'];

/** A certificate that can be used: how long it is valid, its files, and how to serve them. */
export function IssuedCertificate({ certificate }: { certificate: Certificate }) {
  return (
    <>
      {certificate.validFrom && certificate.validTo ? (
        <Validity validFrom={certificate.validFrom} validTo={certificate.validTo} />
      ) : null}
      <Downloads certificate={certificate} />
      <Snippets domains={certificate.domains} />
    </>
  );
}

function Validity({ validFrom, validTo }: { validFrom: string; validTo: string }) {
  const left = daysLeft(validTo);
  return (
    <div className="panel">
      <h2>Validity</h2>
      <dl className="details">
        <dt>Valid from</dt>
        <dd>{formatDateTime(validFrom)}</dd>
        <dt>Valid until</dt>
        <dd>
          {formatDateTime(validTo)}{' '}
          <span className="muted">({left > 0 ? `${left} days left` : 'expired'})</span>
        </dd>
      </dl>
      <p className="hint">Starchart renews it automatically before it expires.</p>
    </div>
  );
}

function Downloads({ certificate }: { certificate: Certificate }) {
  const { client } = useServices();
  const [failed, setFailed] = useState<string | null>(null);
  // Fetched with the token in a header, then saved from memory: the token never goes in a URL.
  const download = async (file: PemFile) => {
    setFailed(null);
    try {
      const pem = await call(
        client.GET(`/api/v1/certificates/{id}/${file}`, {
          params: { path: { id: certificate.id } },
          parseAs: 'text',
        }),
      );
      const url = URL.createObjectURL(new Blob([pem], { type: 'application/x-pem-file' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = file;
      link.click();
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      setFailed(error instanceof ApiFailure ? error.message : String(error));
    }
  };
  return (
    <div className="panel">
      <h2>Downloads</h2>
      <ul className="downloads">
        {DOCUMENTS.map(({ file, label, hint }) => (
          <li key={file}>
            <button type="button" className="button button--quiet" onClick={() => download(file)}>
              <span aria-hidden="true">⤓ </span>
              {label} <span className="muted">({file})</span>
            </button>
            <span className="hint">{hint}</span>
          </li>
        ))}
      </ul>
      {failed ? (
        <p className="callout callout--bad" role="alert">
          {failed}
        </p>
      ) : null}
    </div>
  );
}

function Snippets({ domains }: { domains: string[] }) {
  const node = `import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';

createServer(
  { key: readFileSync('privkey.pem'), cert: readFileSync('fullchain.pem') },
  (request, response) => response.end('Hello over HTTPS\\n'),
).listen(443);`;
  const nginx = `server {
    listen 443 ssl;
    server_name ${domains.join(' ')};
    ssl_certificate     /etc/ssl/starchart/fullchain.pem;
    ssl_certificate_key /etc/ssl/starchart/privkey.pem;
}`;
  return (
    <div className="panel">
      <h2>Use it</h2>
      <h3>Node.js</h3>
      <pre className="code" aria-label="Node.js example">
        <code>{node}</code>
      </pre>
      <h3>nginx</h3>
      <pre className="code" aria-label="nginx example">
        <code>{nginx}</code>
      </pre>
    </div>
  );
}
