import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths } from '../generated/schema';

export type Schemas = components['schemas'];
export type DnsRecord = Schemas['DnsRecord'];
export type DnsRecordWithSteps = Schemas['DnsRecordWithSteps'];
export type DnsRecordPage = Schemas['DnsRecordPage'];
export type CreateRecord = Schemas['CreateRecord'];
export type UpdateRecord = Schemas['UpdateRecord'];
export type FlowStep = Schemas['FlowStep'];
export type Certificate = Schemas['Certificate'];
export type CertificateWithSteps = Schemas['CertificateWithSteps'];
export type CertificateList = Schemas['CertificateList'];
export type RecordType = DnsRecord['type'];
export type RecordStatus = DnsRecord['status'];
export type CertificateStatus = Certificate['status'];
export type ListRecordsQuery = NonNullable<paths['/api/v1/records']['get']['parameters']['query']>;
export type AdminUser = Schemas['AdminUser'];
export type AdminUserPage = Schemas['AdminUserPage'];
export type AdminUserDetail = Schemas['AdminUserDetail'];
export type AdminUserDeletion = Schemas['AdminUserDeletion'];
export type AdminRecordPage = Schemas['AdminRecordPage'];
export type AdminAuditEntry = Schemas['AdminAuditEntry'];
export type AdminAuditPage = Schemas['AdminAuditPage'];
export type ReconcileRun = Schemas['ReconcileRun'];
export type NotificationPreferences = Schemas['NotificationPreferences'];
export type NotificationKind = keyof NotificationPreferences;
export type AdminRecordsQuery = NonNullable<
  paths['/api/v1/admin/records']['get']['parameters']['query']
>;

export type StarchartClient = Client<paths>;

export interface ClientOptions {
  /** The api's origin, e.g. https://api.starchart.example.com */
  baseUrl: string;
  /** The current access token, or null when signed out. */
  accessToken: () => Promise<string | null>;
  /** Called when the api answers 401: the token is missing, expired or not accepted. */
  onUnauthorized: () => void;
  fetch?: typeof globalThis.fetch;
}

/** The typed api client: every path, parameter and body comes from the api's OpenAPI document. */
export function createStarchartClient(options: ClientOptions): StarchartClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    ...(options.fetch && { fetch: options.fetch }),
  });
  client.use(bearerAuth(options));
  return client;
}

function bearerAuth({ accessToken, onUnauthorized }: ClientOptions): Middleware {
  return {
    async onRequest({ request }) {
      const token = await accessToken();
      if (token) request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) onUnauthorized();
      return response;
    },
  };
}
