import { uniqueId } from '@starchart/testing';
import { SignJWT } from 'jose';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { type ApiHarness, startApi } from '../support/api-harness';

const PROBLEM = 'application/problem+json';
const BOARD_MAIN = resolve(__dirname, '../../../../dist/apps/board/main.js');

/** Who sends the request: the columns of the matrix. */
const CALLERS = [
  'no token',
  'malformed',
  'forged signature',
  'expired',
  'another user',
  'the owner',
  'an admin',
  'a locked admin',
] as const;
type Caller = (typeof CALLERS)[number];

/** The status each caller gets, in the order of CALLERS. */
type Row = readonly [number, number, number, number, number, number, number, number];

interface RouteCase {
  route: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The path, given a fresh record of the owner (so a write in one cell cannot change the next). */
  path: (recordId: string) => string;
  body?: () => unknown;
  expected: Row;
}

/*
 * The authorization spec of the api: one row per route; add a row with every new route.
 * "another user" is a valid token of someone who does not
 * own the record; "the owner" owns it; "an admin" has roles: ["admin"] and owns nothing; "a locked
 * admin" is an admin whom another admin locked: reads of records still work, nothing else.
 */
//                                                   none malf forg expd other owner admin locked
const ROUTES: RouteCase[] = [
  {
    route: 'create a record',
    method: 'POST',
    path: () => '/api/v1/records',
    body: () => ({ name: uniqueId('n'), type: 'A', value: '192.0.2.7' }),
    expected: [401, 401, 401, 401, 202, 202, 202, 403],
  },
  {
    route: 'list own records',
    method: 'GET',
    path: () => '/api/v1/records',
    expected: [401, 401, 401, 401, 200, 200, 200, 200],
  },
  {
    route: "list the owner's records",
    method: 'GET',
    path: () => `/api/v1/records?username=${OWNER}`,
    expected: [401, 401, 401, 401, 403, 200, 200, 200],
  },
  {
    route: 'read a record',
    method: 'GET',
    path: (id) => `/api/v1/records/${id}`,
    expected: [401, 401, 401, 401, 404, 200, 200, 200],
  },
  {
    route: 'change a record',
    method: 'PATCH',
    path: (id) => `/api/v1/records/${id}`,
    body: () => ({ ttl: 600 }),
    expected: [401, 401, 401, 401, 404, 202, 202, 403],
  },
  {
    route: 'delete a record',
    method: 'DELETE',
    path: (id) => `/api/v1/records/${id}`,
    expected: [401, 401, 401, 401, 404, 202, 202, 403],
  },
  {
    route: 'renew a record',
    method: 'POST',
    path: (id) => `/api/v1/records/${id}/renew`,
    body: () => ({}),
    expected: [401, 401, 401, 401, 404, 200, 404, 403],
  },
  {
    route: 'follow a record',
    method: 'GET',
    path: (id) => `/api/v1/records/${id}/events`,
    expected: [401, 401, 401, 401, 404, 200, 200, 200],
  },
  {
    route: 'list own certificates',
    method: 'GET',
    path: () => '/api/v1/certificates',
    expected: [401, 401, 401, 401, 200, 200, 200, 200],
  },
  {
    route: 'read own notification preferences',
    method: 'GET',
    path: () => '/api/v1/me/notifications',
    expected: [401, 401, 401, 401, 200, 200, 200, 200],
  },
  {
    route: 'change own notification preferences',
    method: 'PUT',
    path: () => '/api/v1/me/notifications',
    body: () => ({ 'record-failed': true }),
    expected: [401, 401, 401, 401, 200, 200, 200, 403],
  },
  {
    route: 'start a reconcile run',
    method: 'POST',
    path: () => '/api/v1/admin/reconcile',
    body: () => ({}),
    expected: [401, 401, 401, 401, 403, 403, 202, 403],
  },
  {
    route: 'read a reconcile run that does not exist',
    method: 'GET',
    path: () => '/api/v1/admin/reconcile/no-such-run',
    expected: [401, 401, 401, 401, 403, 403, 404, 403],
  },
  {
    route: 'find people',
    method: 'GET',
    path: () => '/api/v1/admin/users?q=o',
    expected: [401, 401, 401, 401, 403, 403, 200, 403],
  },
  {
    route: "read a person's page",
    method: 'GET',
    path: () => `/api/v1/admin/users/${OWNER}`,
    expected: [401, 401, 401, 401, 403, 403, 200, 403],
  },
  {
    route: 'lock a person',
    method: 'PUT',
    path: () => `/api/v1/admin/users/${TARGET}/lock`,
    body: () => ({ reason: 'testing the matrix' }),
    expected: [401, 401, 401, 401, 403, 403, 200, 403],
  },
  {
    route: 'unlock a person',
    method: 'DELETE',
    path: () => `/api/v1/admin/users/${TARGET}/lock`,
    expected: [401, 401, 401, 401, 403, 403, 200, 403],
  },
  {
    route: "set a person's quota",
    method: 'PUT',
    path: () => `/api/v1/admin/users/${TARGET}/quota`,
    body: () => ({ quota: 20 }),
    expected: [401, 401, 401, 401, 403, 403, 200, 403],
  },
  {
    route: 'delete a person who does not exist',
    method: 'POST',
    path: () => `/api/v1/admin/users/${NOBODY}/deletion`,
    body: () => ({ confirm: NOBODY }),
    expected: [401, 401, 401, 401, 403, 403, 404, 403],
  },
  {
    route: 'list records of every user',
    method: 'GET',
    path: () => '/api/v1/admin/records?status=active',
    expected: [401, 401, 401, 401, 403, 403, 200, 403],
  },
  {
    route: 'retry a record that is not in error',
    method: 'POST',
    path: (id) => `/api/v1/admin/records/${id}/retry`,
    body: () => ({}),
    expected: [401, 401, 401, 401, 403, 403, 409, 403],
  },
  {
    route: 'read the audit log',
    method: 'GET',
    path: () => '/api/v1/admin/audit',
    expected: [401, 401, 401, 401, 403, 403, 200, 403],
  },
  {
    route: 'read the last reconcile run, when none finished',
    method: 'GET',
    path: () => '/api/v1/admin/reconcile/latest',
    expected: [401, 401, 401, 401, 403, 403, 404, 403],
  },
  {
    route: 'health',
    method: 'GET',
    path: () => '/health',
    expected: [200, 200, 200, 200, 200, 200, 200, 200],
  },
];

const OWNER = uniqueId('owner');
const OTHER = uniqueId('other');
const ADMIN = uniqueId('admin');
const LOCKED_ADMIN = uniqueId('locked');
/** A person admins act on in the matrix, so that no caller's own rights change. */
const TARGET = uniqueId('target');
const NOBODY = uniqueId('nobody');

const cells = ROUTES.flatMap((route) =>
  CALLERS.map((caller, column) => ({
    ...route,
    caller,
    status: route.expected[column] ?? 0,
  })),
);

jest.setTimeout(30_000);

describe('authorization matrix: every route × every kind of caller', () => {
  let api: ApiHarness;
  let authorization: Record<Caller, string | undefined>;

  beforeAll(async () => {
    // Every cell seeds a record of the owner; the quota is not what this suite is about.
    api = await startApi({ tweak: (config) => (config.recordQuota = 1_000) });
    const ownerToken = await api.token(OWNER);
    authorization = {
      'no token': undefined,
      malformed: 'Bearer not-a-jwt',
      'forged signature': `Bearer ${await tokenSignedWith('a-secret-that-is-not-the-api-secret-0123', OWNER)}`,
      expired: `Bearer ${await api.token(OWNER, { expiresIn: Math.floor(Date.now() / 1000) - 60 })}`,
      'another user': `Bearer ${await api.token(OTHER)}`,
      'the owner': `Bearer ${ownerToken}`,
      'an admin': `Bearer ${await api.token(ADMIN, { admin: true })}`,
      'a locked admin': `Bearer ${await api.token(LOCKED_ADMIN, { admin: true })}`,
    };
    // People exist once they have called the api; these are written directly.
    await api.sql(
      'INSERT INTO users (username, email, last_seen_at, locked_at, locked_reason) VALUES ' +
        "(?, NULL, NOW(3), NULL, NULL), (?, NULL, NOW(3), NULL, NULL), (?, NULL, NOW(3), NOW(3), 'locked by the matrix')",
      [OWNER, TARGET, LOCKED_ADMIN],
    );
  });

  afterAll(async () => {
    await api?.close();
  });

  it.each(cells)('$method $route as $caller → $status', async (cell) => {
    const recordId = await api.seedRecord(OWNER);
    const before = await api.dbRecords('id = ?', [recordId]);
    const answer = await api.request(cell.method, cell.path(recordId), {
      headers: withAuthorization(authorization[cell.caller]),
      body: cell.body?.(),
    });

    expect(answer.status).toBe(cell.status);
    if (answer.status >= 400) {
      expect(answer.headers.get('content-type')).toContain(PROBLEM);
      expect(answer.json).toMatchObject({ status: answer.status, detail: expect.any(String) });
      // A refused request leaves the owner's record exactly as it was.
      expect(await api.dbRecords('id = ?', [recordId])).toEqual(before);
    }
    if (cell.caller === 'a locked admin' && answer.status === 403) {
      // Refused for the lock, with its reason, not merely for a missing role.
      expect(answer.json).toMatchObject({
        type: 'urn:starchart:problem:account-locked',
        detail: expect.stringContaining('locked by the matrix'),
      });
    }
    if (answer.status === 401) {
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer realm="starchart"/);
    }
  });

  describe('names cannot leave the caller’s zone', () => {
    // Relative names always land under <caller>.<ROOT_DOMAIN>; anything that tries to name
    // another zone is refused or, being a valid relative name, stays inside the caller's zone.
    const escapes: [string, Record<string, unknown>, number][] = [
      ['a parent reference', { name: '..' }, 400],
      ['a path traversal', { name: `../${OTHER}` }, 400],
      ['an empty label before the owner', { name: `.${OTHER}` }, 400],
      ['an absolute name with a trailing dot', { name: `www.${OTHER}.starchart.test.` }, 400],
      ['the full name of another user’s record', { name: 'www.{other-zone}' }, 400],
      ['another user’s zone itself', { name: '{other-zone}' }, 400],
      ['the root domain itself', { name: '{root}' }, 400],
      ['the full name in capitals', { name: 'WWW.{OTHER-ZONE}' }, 400],
      ['the apex with an owner field', { name: '@', username: OTHER }, 400],
      ['a wildcard reaching up', { name: `*.${OTHER}.` }, 400],
      ['a NUL byte', { name: `www\u0000.${OTHER}` }, 400],
    ];

    it.each(escapes)('refuses %s', async (_label, fields, status) => {
      const other = `${OTHER}.${api.config.rootDomain}`;
      const name = String(fields['name'])
        .replace('{other-zone}', other)
        .replace('{OTHER-ZONE}', other.toUpperCase())
        .replace('{root}', api.config.rootDomain);
      const answer = await api.request('POST', '/api/v1/records', {
        headers: withAuthorization(authorization['the owner']),
        body: { type: 'A', value: '192.0.2.8', ...fields, name },
      });
      expect(answer.status).toBe(status);
      expect(answer.headers.get('content-type')).toContain(PROBLEM);
      expect(answer.json).toMatchObject({
        errors: [expect.objectContaining({ field: expect.any(String) })],
      });
    });

    it('keeps a dotted name such as "www.<other user>" inside the caller’s own zone', async () => {
      const answer = await api.request('POST', '/api/v1/records', {
        headers: withAuthorization(authorization['the owner']),
        body: { name: `www.${OTHER}`, type: 'A', value: '192.0.2.9' },
      });
      expect(answer.status).toBe(202);
      expect(answer.json).toMatchObject({
        fqdn: `www.${OTHER}.${OWNER}.${api.config.rootDomain}`,
      });
    });

    it('left no record of the owner in another user’s zone', async () => {
      const other = `${OTHER}.${api.config.rootDomain}`;
      const intruders = await api.dbRecords('username <> ? AND (fqdn = ? OR fqdn LIKE ?)', [
        OTHER,
        other,
        `%.${other}`,
      ]);
      expect(intruders).toEqual([]);
    });
  });

  describe('the board', () => {
    it('answers 401 without credentials', async () => {
      if (!existsSync(BOARD_MAIN))
        throw new Error(`${BOARD_MAIN} is missing: run \`npx nx build board\``);
      const hash = spawnSync(process.execPath, [BOARD_MAIN, 'hash-password'], { input: 'pw' });
      const board = spawn(process.execPath, [BOARD_MAIN], {
        env: {
          PATH: process.env['PATH'] ?? '',
          REDIS_URL: api.env['REDIS_URL'],
          QUEUE_PREFIX: api.queuePrefix,
          BOARD_HOST: '127.0.0.1',
          BOARD_PORT: '0',
          BOARD_USERNAME: 'operator',
          BOARD_PASSWORD_HASH: hash.stdout.toString().trim(),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      try {
        const url = await listeningUrl(board.stdout);
        const answer = await fetch(new URL('/queues', url), { redirect: 'manual' });
        expect(answer.status).toBe(401);
        expect(answer.headers.get('www-authenticate')).toMatch(/^Basic/);
      } finally {
        board.kill('SIGTERM');
        await once(board, 'exit');
      }
    });
  });
});

function withAuthorization(value: string | undefined): Record<string, string> {
  return value === undefined ? {} : { Authorization: value };
}

function tokenSignedWith(secret: string, username: string): Promise<string> {
  return new SignJWT({ roles: ['admin'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(username)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(secret));
}

async function listeningUrl(stdout: NodeJS.ReadableStream | null): Promise<string> {
  if (!stdout) throw new Error('no stdout');
  for await (const line of createInterface({ input: stdout })) {
    if (!line.startsWith('{')) continue;
    const event = JSON.parse(line) as { event?: string; url?: string };
    if (event.event === 'listening' && event.url) return event.url;
  }
  throw new Error('the board exited before listening');
}
