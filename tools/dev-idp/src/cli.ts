import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { z } from 'zod';

export interface DevIdpOptions {
  readonly host: string;
  readonly port: number;
  /** The issuer URL; undefined: `http://<host>:<port>` once listening. */
  readonly issuer?: string;
  /** Origins of the web app: redirect URIs, post-logout redirects and CORS derive from them. */
  readonly webOrigins: readonly string[];
  /** Where the signing key lives, so that a restart keeps it. */
  readonly dataDir: string;
  /** Binds a non-loopback address; only inside a container whose port is published on loopback. */
  readonly container: boolean;
}

export type CliParse =
  | { readonly kind: 'run'; readonly options: DevIdpOptions }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

export const USAGE = `Usage: dev-idp --data-dir DIR --web-origin URL [options]

A local OpenID Connect provider for development and tests: the public client starchart-web
(authorization code + PKCE), JWT access tokens for the audience starchart-api, and the users
alice, bob and admin. Never for production: it only listens on loopback.

Options:
  --data-dir DIR      where its signing key is kept (created if missing)        (required)
  --web-origin URL    an origin of the web app, e.g. http://127.0.0.1:3001; repeatable (required)
  --host ADDRESS      loopback address to listen on                             (127.0.0.1)
  --port N            port; 0 picks a free one                                   (3003)
  --issuer URL        issuer, when it differs from http://<host>:<port>
  --container         allow any address, for a container whose port is published on loopback
  -h, --help          this text`;

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

const origin = z
  .url({ protocol: /^https?$/ })
  .refine((value) => URL.canParse(value) && new URL(value).origin === value, {
    error: 'must be an origin: scheme, host and port only, without a trailing slash',
  });

const optionsSchema = z
  .object({
    host: z.string().min(1),
    port: z.coerce.number().int().min(0).max(65535),
    issuer: z
      .url({ protocol: /^https?$/ })
      .refine((value) => !value.endsWith('/'), { error: 'must not end with a slash' })
      .optional(),
    webOrigins: z.array(origin).min(1, { error: 'give at least one --web-origin' }),
    dataDir: z.string({ error: '--data-dir is required' }).min(1),
    container: z.boolean(),
  })
  .refine((options) => options.container || isLoopback(options.host), {
    path: ['host'],
    error:
      'must be a loopback address (127.0.0.1, ::1 or localhost): the development provider signs anyone in with published passwords',
  });

export function parseCli(argv: readonly string[]): CliParse {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '3003' },
        issuer: { type: 'string' },
        'web-origin': { type: 'string', multiple: true, default: [] },
        'data-dir': { type: 'string' },
        container: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  if (values.help) return { kind: 'help' };
  const parsed = optionsSchema.safeParse({
    host: values.host,
    port: values.port,
    issuer: values.issuer,
    webOrigins: values['web-origin'],
    dataDir: values['data-dir'],
    container: values.container,
  });
  if (!parsed.success) {
    const message = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`)
      .join('\n');
    return { kind: 'error', message };
  }
  return { kind: 'run', options: parsed.data };
}
