import { PassThrough, Readable } from 'node:stream';
import { parsePasswordHash, verifyPassword } from '../auth/password-hash';
import { EmptyPasswordError, hashPasswordCommand } from './hash-password.command';

const FAST = { cost: 1024, blockSize: 8, parallelization: 1 };

async function run(stdin: string[]): Promise<string> {
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
  await hashPasswordCommand(Readable.from(stdin), output, FAST);
  return printed;
}

describe('hash-password', () => {
  it('prints a BOARD_PASSWORD_HASH for the password on stdin, without its line ending', async () => {
    const printed = await run(['pass ', 'phrase\n']);
    expect(printed.endsWith('\n')).toBe(true);
    const stored = parsePasswordHash(printed.trim());
    await expect(verifyPassword('pass phrase', stored)).resolves.toBe(true);
    await expect(verifyPassword('pass phrase\n', stored)).resolves.toBe(false);
  });

  it('refuses an empty password', async () => {
    await expect(run(['\n'])).rejects.toThrow(EmptyPasswordError);
  });
});
