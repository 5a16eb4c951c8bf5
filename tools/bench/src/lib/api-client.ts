import { SignJWT } from 'jose';
import { ScenarioError } from './errors';

const RECORDS_PATH = '/api/v1/records';

/** Creates records through the HTTP API as the users a scenario names. */
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

  /** The HTTP status of GET `path` with a token, to see whether an endpoint exists. */
  async statusOf(path: string, username: string): Promise<number> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      headers: { authorization: `Bearer ${await this.token(username)}` },
    });
    await response.arrayBuffer();
    return response.status;
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
