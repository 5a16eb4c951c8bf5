import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that nothing listens on now, for a process a test starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        address && typeof address === 'object'
          ? resolve(address.port)
          : reject(new Error('the system gave no port')),
      );
    });
  });
}
