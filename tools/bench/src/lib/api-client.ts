import { SignJWT } from 'jose';
import { ScenarioError } from './errors';

const RECORDS_PATH = '/api/v1/records';
const CERTIFICATES_PATH = '/api/v1/certificates';

/** Creates records and orders certificates through the HTTP API as the users a scenario names. */
export class ApiClient {
  private readonly tokens = new Map<string, string>();

  constructor(
    readonly baseUrl: string,
    private readonly jwtSecret: string,
  ) {}

  /** POST /api/v1/records for an A record; resolves with the new record's id once the api answers 202. */
  async createRecord(username: string, name: string): Promise<string> {
    const response = await fetch(`${this.baseUrl}${RECORDS_PATH}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await this.token(username)}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name, type: 'A', value: '192.0.2.10', ttl: 300 }),
    });
    const body: unknown = await response.json();
    const id = typeof body === 'object' && body !== null ? Reflect.get(body, 'id') : undefined;
    if (response.status !== 202 || typeof id !== 'string') {
      throw new ScenarioError(
        `POST ${RECORDS_PATH} as ${username} answered ${response.status}: ${JSON.stringify(body)}`,
      );
    }
    return id;
  }

  /** POST /api/v1/certificates; resolves with the certificate's id once the api answers 202. */
  async orderCertificate(username: string): Promise<string> {
    const response = await fetch(`${this.baseUrl}${CERTIFICATES_PATH}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await this.token(username)}`,
        'content-type': 'application/json',
      },
      body: '{}',
    });
    const body: unknown = await response.json();
    const id = typeof body === 'object' && body !== null ? Reflect.get(body, 'id') : undefined;
    if (response.status !== 202 || typeof id !== 'string') {
      throw new ScenarioError(
        `POST ${CERTIFICATES_PATH} as ${username} answered ${response.status}: ${JSON.stringify(body)}`,
      );
    }
    return id;
  }

  /** The certificate's status and statusReason from GET /api/v1/certificates/{id}. */
  async certificateStatus(
    username: string,
    id: string,
  ): Promise<{ status: string; statusReason: string | null }> {
    const response = await fetch(`${this.baseUrl}${CERTIFICATES_PATH}/${id}`, {
      headers: { authorization: `Bearer ${await this.token(username)}` },
    });
    const body: unknown = await response.json();
    const field = (name: string): unknown =>
      typeof body === 'object' && body !== null ? Reflect.get(body, name) : undefined;
    const status = field('status');
    const reason = field('statusReason');
    if (response.status !== 200 || typeof status !== 'string') {
      throw new ScenarioError(
        `GET ${CERTIFICATES_PATH}/${id} answered ${response.status}: ${JSON.stringify(body)}`,
      );
    }
    return { status, statusReason: typeof reason === 'string' ? reason : null };
  }

  async isHealthy(): Promise<boolean> {
    try {
      const response = await fetch(`${this.baseUrl}/health`);
      await response.arrayBuffer();
      return response.ok;
    } catch {
      return false;
    }
  }

  private async token(username: string): Promise<string> {
    const cached = this.tokens.get(username);
    if (cached) return cached;
    const token = await new SignJWT({ roles: [] })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(username)
      .setIssuedAt()
      .setExpirationTime('2h')
      .sign(new TextEncoder().encode(this.jwtSecret));
    this.tokens.set(username, token);
    return token;
  }
}
