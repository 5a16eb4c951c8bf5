import {
  queueEnvCheck,
  queueEnvSchema,
  toQueueConfig,
  type QueueConfig,
} from '@starchart/dns-flow/queues';
import { z } from 'zod';
import type { BoardCredentials } from '../auth/basic-auth.middleware';
import { InvalidPasswordHashError, parsePasswordHash } from '../auth/password-hash';

const required = (hint: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? `is required: ${hint}` : undefined;

const boardEnvSchema = z
  .object({
    ...queueEnvSchema.shape,
    BOARD_HOST: z.string().min(1).default('127.0.0.1'),
    BOARD_PORT: z.coerce.number().int().min(0).max(65535).default(3002),
    BOARD_USERNAME: z
      .string({ error: required('the board does not start without credentials') })
      .min(1)
      // Basic auth splits user and password at the first colon.
      .refine((username) => !username.includes(':'), 'must not contain a colon'),
    BOARD_PASSWORD_HASH: z
      .string({
        error: required('create one with `node dist/apps/board/main.js hash-password`'),
      })
      .transform((encoded, context) => {
        try {
          return parsePasswordHash(encoded);
        } catch (error) {
          if (!(error instanceof InvalidPasswordHashError)) throw error;
          context.addIssue({ code: 'custom', message: error.message });
          return z.NEVER;
        }
      }),
    BOARD_READ_ONLY: z.stringbool().default(false),
  })
  .refine(...queueEnvCheck);

export interface BoardConfig {
  host: string;
  port: number;
  credentials: BoardCredentials;
  readOnly: boolean;
  queue: QueueConfig;
}

export class ConfigError extends Error {
  readonly retryable = false;

  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function loadBoardConfig(env: Record<string, string | undefined>): BoardConfig {
  const parsed = boardEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `  ${issue.path.join('.')}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid board configuration:\n${problems.join('\n')}`);
  }
  const e = parsed.data;
  return {
    host: e.BOARD_HOST,
    port: e.BOARD_PORT,
    credentials: { username: e.BOARD_USERNAME, passwordHash: e.BOARD_PASSWORD_HASH },
    readOnly: e.BOARD_READ_ONLY,
    queue: toQueueConfig(e),
  };
}
