import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One SMTP connection through the proxy whose message is held after its DATA command. */
export interface HeldConnection {
  /** The client's (the worker's) local port. */
  clientPort: number;
}

/**
 * A TCP proxy in front of an SMTP server that, while holding, forwards each connection up to
 * and including its DATA command and then keeps the message back: the worker is in the middle
 * of sending, and the server has nothing to deliver until the proxy releases it. A connection
 * whose client dies meanwhile is cut without the message, as a crash mid-send would.
 */
export interface SmtpHoldingProxy {
  url: string;
  held(): HeldConnection[];
  /** Forwards what is held and holds nothing from now on. */
  release(): void;
  close(): Promise<void>;
}

interface Connection {
  client: Socket;
  upstream: Socket;
  seen: string;
  holding: boolean;
  buffered: Buffer[];
}

export async function startSmtpHoldingProxy(target: string): Promise<SmtpHoldingProxy> {
  const { hostname, port } = new URL(target);
  let releasing = false;
  const connections = new Set<Connection>();
  const server = createServer((client) => {
    const upstream = connect({ host: hostname, port: Number(port) });
    const connection: Connection = { client, upstream, seen: '', holding: false, buffered: [] };
    connections.add(connection);
    upstream.pipe(client);
    client.on('data', (chunk: Buffer) => {
      if (connection.holding) {
        connection.buffered.push(chunk);
        return;
      }
      upstream.write(chunk);
      if (releasing) return;
      connection.seen += chunk.toString('latin1');
      if (/(^|\r\n)DATA\r\n/i.test(connection.seen)) connection.holding = true;
    });
    // A dead client: the server gets no end of message, so it delivers nothing.
    client.on('close', () => {
      upstream.destroy();
      connections.delete(connection);
    });
    client.on('error', () => undefined);
    upstream.on('close', () => client.destroy());
    upstream.on('error', () => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `smtp://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held: () =>
      [...connections]
        .filter((connection) => connection.holding)
        .map((connection) => ({ clientPort: connection.client.remotePort ?? 0 })),
    release() {
      releasing = true;
      for (const connection of connections) {
        connection.holding = false;
        for (const chunk of connection.buffered.splice(0)) connection.upstream.write(chunk);
      }
    },
    async close() {
      for (const connection of connections) connection.client.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** The pid of the process whose socket has this local port on 127.0.0.1 (ss, own processes only). */
export async function pidOfLocalPort(port: number): Promise<number | undefined> {
  const { stdout } = await run('/usr/bin/ss', [
    '-Htnp',
    'state',
    'established',
    `( sport = :${port} )`,
  ]);
  const match = /pid=(\d+)/.exec(stdout);
  return match ? Number(match[1]) : undefined;
}
