import * as dnsPacket from 'dns-packet';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';

const NXDOMAIN = 3;

/**
 * A UDP DNS server that answers TXT queries for one name with values the test sets, and NXDOMAIN
 * for everything else: what a worker's ACME_DNS_CHECK_SERVER sees, decoupled from what the CA
 * (Pebble, asking the emulator) sees.
 */
export interface ChallengeDnsServer {
  /** host:port, for ACME_DNS_CHECK_SERVER. */
  address: string;
  serve(name: string, values: readonly string[]): void;
  close(): Promise<void>;
}

export async function startChallengeDnsServer(): Promise<ChallengeDnsServer> {
  const socket = createSocket('udp4');
  let served: { name: string; values: readonly string[] } | undefined;
  socket.on('message', (message, peer) => {
    const query = dnsPacket.decode(message);
    const question = query.questions?.[0];
    const hit = question?.type === 'TXT' && question.name.toLowerCase() === served?.name;
    const reply = dnsPacket.encode({
      type: 'response',
      id: query.id ?? 0,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | (hit ? 0 : NXDOMAIN),
      questions: query.questions ?? [],
      answers:
        hit && question
          ? (served?.values ?? []).map((value) => ({
              type: 'TXT' as const,
              name: question.name,
              ttl: 0,
              data: value,
            }))
          : [],
    });
    socket.send(reply, peer.port, peer.address);
  });
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  return {
    address: `127.0.0.1:${socket.address().port}`,
    serve(name, values) {
      served = { name: name.toLowerCase(), values };
    },
    close: () => new Promise((closed) => socket.close(() => closed())),
  };
}
