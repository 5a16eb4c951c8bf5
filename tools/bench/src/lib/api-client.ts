import { SignJWT } from 'jose';
import { Agent, request as httpRequest } from 'node:http';
import { ScenarioError } from './errors';

const RECORDS_PATH = '/api/v1/records';
const CERTIFICATES_PATH = '/api/v1/certificates';

interface Answer {
  status: number;
  body: unknown;
}

/**
 * Creates records and orders certificates through the HTTP API as the users a scenario names.
 * Plain node:http on kept-alive connections rather than fetch: the client shares the machine
 * with what it measures, and with fetch the bench process used about twice the CPU (3.6 s
 * against 1.7 s for the throughput scenario).
 */
export class ApiClient {
  private readonly tokens = new Map<string, string>();
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 128 });

  constructor(
    readonly baseUrl: string,
    private readonly jwtSecret: string,
  ) {}

  /** POST /api/v1/records for an A record; resolves with the new record's id once the api answers 202. */
  createRecord(username: string, name: string): Promise<string> {
    return this.postForId(
      username,
      RECORDS_PATH,
      JSON.stringify({ name, type: 'A', value: '192.0.2.10', ttl: 300 }),
    );
  }

  /** POST /api/v1/certificates; resolves with the certificate's id once the api answers 202. */
  orderCertificate(username: string): Promise<string> {
    return this.postForId(username, CERTIFICATES_PATH, '{}');
  }

  /** The certificate's status and statusReason from GET /api/v1/certificates/{id}. */
  async certificateStatus(
    username: string,
    id: string,
  ): Promise<{ status: string; statusReason: string | null }> {
    const response = await this.send('GET', `${CERTIFICATES_PATH}/${id}`, {
      token: await this.token(username),
    });
    const { body } = response;
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

  /** POST /api/v1/admin/reconcile as an admin; the run's job id. */
  async requestReconcile(admin: string): Promise<string> {
    const response = await this.send('POST', '/api/v1/admin/reconcile', {
      token: await this.token(admin, ['admin']),
      body: '{}',
    });
    const jobId = field(response.body, 'jobId');
    if (response.status !== 202 || typeof jobId !== 'string') {
      throw new ScenarioError(
        `POST /api/v1/admin/reconcile answered ${response.status}: ${JSON.stringify(response.body)}`,
      );
    }
    return jobId;
  }

  /** GET /api/v1/admin/reconcile/{jobId}: the run's state and, once completed, its report. */
  async reconcileRun(
    admin: string,
    jobId: string,
  ): Promise<{ state: string; report: Record<string, number> | null }> {
    const response = await this.send('GET', `/api/v1/admin/reconcile/${jobId}`, {
      token: await this.token(admin, ['admin']),
    });
    const state = field(response.body, 'state');
    const report = field(response.body, 'report');
    if (response.status !== 200 || typeof state !== 'string') {
      throw new ScenarioError(
        `GET /api/v1/admin/reconcile/${jobId} answered ${response.status}: ${JSON.stringify(response.body)}`,
      );
    }
    return {
      state,
      report:
        typeof report === 'object' && report !== null ? (report as Record<string, number>) : null,
    };
  }

  async isHealthy(): Promise<boolean> {
    try {
      return (await this.send('GET', '/health')).status === 200;
    } catch {
      return false;
    }
  }

  /** POSTs `body` as `username`; the id of what the api accepted (202), or a ScenarioError. */
  private async postForId(username: string, path: string, body: string): Promise<string> {
    const response = await this.send('POST', path, { token: await this.token(username), body });
    const answer = response.body;
    const id =
      typeof answer === 'object' && answer !== null ? Reflect.get(answer, 'id') : undefined;
    if (response.status !== 202 || typeof id !== 'string') {
      throw new ScenarioError(
        `POST ${path} as ${username} answered ${response.status}: ${JSON.stringify(answer)}`,
      );
    }
    return id;
  }

  /** Stops keeping connections open, so the process can exit. */
  close(): void {
    this.agent.destroy();
  }

  private send(
    method: 'GET' | 'POST',
    path: string,
    { token, body }: { token?: string; body?: string } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    return new Promise<Answer>((resolve, reject) => {
      const outgoing = httpRequest(
        new URL(path, this.baseUrl),
        { method, headers, agent: this.agent },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('error', reject);
          incoming.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              resolve({ status: incoming.statusCode ?? 0, body: text ? JSON.parse(text) : null });
            } catch {
              resolve({ status: incoming.statusCode ?? 0, body: text });
            }
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  private async token(username: string, roles: string[] = []): Promise<string> {
    const cached = this.tokens.get(username);
    if (cached) return cached;
    const token = await new SignJWT({ roles })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(username)
      .setIssuedAt()
      .setExpirationTime('2h')
      .sign(new TextEncoder().encode(this.jwtSecret));
    this.tokens.set(username, token);
    return token;
  }
}

function field(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null ? Reflect.get(body, name) : undefined;
}
