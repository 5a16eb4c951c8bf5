import { hashPassword, type ScryptParameters } from '../auth/password-hash';

export class EmptyPasswordError extends Error {
  readonly retryable = false;

  constructor() {
    super('hash-password read an empty password from stdin');
    this.name = 'EmptyPasswordError';
  }
}

/** Reads the whole stream; the one line ending that `echo` or a terminal adds is not part of it. */
export async function readPassword(input: AsyncIterable<Buffer | string>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (password === '') throw new EmptyPasswordError();
  return password;
}

/** `main.js hash-password`: the value for BOARD_PASSWORD_HASH, from a password on stdin. */
export async function hashPasswordCommand(
  input: AsyncIterable<Buffer | string>,
  output: NodeJS.WritableStream,
  parameters?: ScryptParameters,
): Promise<void> {
  const hash = await hashPassword(await readPassword(input), parameters);
  output.write(`${hash}\n`);
}
